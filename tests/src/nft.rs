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
