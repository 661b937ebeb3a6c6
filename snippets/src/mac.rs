//! [`Mac`]: an Ethernet (MAC) address, six bytes, printed as `ip` prints it.

use std::fmt;
use std::net::Ipv4Addr;

/// An Ethernet address: `02:42:ac:11:00:02`.
///
/// The first byte's two low bits matter to the kernel: bit 0 set means
/// multicast (`ff:ff:ff:ff:ff:ff` is broadcast), bit 1 set means "locally
/// administered", made up by software rather than burnt into a card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    /// The MAC address Docker gives a container's interface (bridge, overlay
    /// and macvlan drivers alike, up to Engine 20.10): `02:42` and the four
    /// bytes of its IPv4 address, so 10.0.1.3 has 02:42:0a:00:01:03. 02 is
    /// the "locally administered" bit: no vendor's card was made with it.
    /// Every node can work out a remote container's MAC from its address;
    /// only the host it lives on has to be told.
    pub fn docker(ip: Ipv4Addr) -> Mac {
        let [a, b, c, d] = ip.octets();
        Mac([0x02, 0x42, a, b, c, d])
    }

    /// From the bytes of a netlink attribute (IFLA_ADDRESS, NDA_LLADDR),
    /// if they are an Ethernet address.
    pub fn from_bytes(bytes: &[u8]) -> Option<Mac> {
        bytes.try_into().ok().map(Mac)
    }
}

impl std::str::FromStr for Mac {
    type Err = String;

    /// `02:42:ac:11:00:02`, as `ip link` and `/sys/class/net/*/address`
    /// print it.
    fn from_str(text: &str) -> Result<Mac, String> {
        let bytes: Vec<u8> = text
            .split(':')
            .map(|byte| u8::from_str_radix(byte, 16))
            .collect::<Result<_, _>>()
            .map_err(|error| format!("{text}: not a MAC address ({error})"))?;
        Mac::from_bytes(&bytes).ok_or_else(|| format!("{text}: not six bytes"))
    }
}

impl fmt::Display for Mac {
    /// Lower-case hex, colon-separated, as `ip link` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_macs_carry_the_address() {
        let overlay = Mac::docker(Ipv4Addr::new(10, 0, 1, 3));
        assert_eq!(overlay.to_string(), "02:42:0a:00:01:03");
        let macvlan = Mac::docker(Ipv4Addr::new(192, 168, 20, 2));
        assert_eq!(macvlan.to_string(), "02:42:c0:a8:14:02");
        assert_eq!(Mac::from_bytes(&[1, 2, 3]), None, "too short for Ethernet");
        assert_eq!("02:42:c0:a8:14:02".parse(), Ok(macvlan));
        assert!("02:42:c0".parse::<Mac>().is_err());
        assert!("zz:42:c0:a8:14:02".parse::<Mac>().is_err());
    }
}
