//! What `nft monitor trace` printed on host1, read for the chapter's
//! claims: the VXLAN device sends from a UDP socket of host1, so its
//! packets pass host1's own hooks, `output` then `postrouting`.

/// host1's output hook saw one packet, the VXLAN one: from 10.0.0.1 to
/// 10.0.0.2, UDP port 4789 (red's echo request, wrapped, is not a packet
/// of host1's hooks).
pub fn one_vxlan_packet_in_output(lines: &[String]) -> bool {
    let output: Vec<_> = lines
        .iter()
        .filter(|l| l.contains("ip trace output packet: oif \"eth0\""))
        .collect();
    output.len() == 1
        && output[0].contains("ip saddr 10.0.0.1 ip daddr 10.0.0.2 ")
        && output[0].contains("udp dport 4789")
}

/// host1's postrouting hook saw it too, and let it pass.
pub fn passed_postrouting(lines: &[String]) -> bool {
    lines
        .iter()
        .any(|l| l.contains("ip trace postrouting policy accept"))
}
