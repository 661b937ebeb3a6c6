//! nftables' own view of the firewall, `nft list ruleset`, in any network
//! namespace: the observer of the NAT chapters' rules, Docker's (which
//! iptables-nft writes as nftables rules) and ours alike.

use crate::iproute::in_netns;

/// `nft list ruleset` in the namespace `netns` (the test's own when
/// `None`), which must succeed; what it printed.
pub fn ruleset(netns: Option<&str>) -> String {
    let output = in_netns(netns, "nft")
        .args(["list", "ruleset"])
        .output()
        .expect("run nft (Debian: nftables)");
    assert!(
        output.status.success(),
        "nft list ruleset in {netns:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The objects of an `nft -j list ruleset` listing (tables, chains, rules,
/// each an object with one key: `{"rule": {...}}`); the listing must be of
/// a run that succeeded, and JSON.
pub fn json_objects(listing: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        listing.status.success(),
        "nft -j list ruleset: {}",
        String::from_utf8_lossy(&listing.stderr)
    );
    let ruleset: serde_json::Value =
        serde_json::from_slice(&listing.stdout).expect("nft -j prints JSON");
    let objects = ruleset["nftables"].as_array().cloned();
    objects.expect("nft -j's JSON has a list \"nftables\"")
}
