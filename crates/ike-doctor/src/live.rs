//! Live capture for `watch`: a Linux packet socket (`AF_PACKET`, `SOCK_DGRAM`: frames from the
//! network header on, both directions) on one interface, with a classic BPF program attached so
//! the kernel hands over only IKE (UDP 500 and 4500, IP fragments), ESP and ICMP: on a busy
//! gateway the rest never leaves the kernel. Written against libc rather than libpcap so the
//! build needs no C library.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

/// One classic BPF instruction (`struct sock_filter`).
type Insn = libc::sock_filter;

const LDB_ABS: u16 = 0x30;
const LDH_ABS: u16 = 0x28;
const LDH_IND: u16 = 0x48;
const LDXB_MSH: u16 = 0xb1;
const AND_K: u16 = 0x54;
const JEQ_K: u16 = 0x15;
const JSET_K: u16 = 0x45;
const RET_K: u16 = 0x06;

/// Where a jump goes: the next instruction or a label.
#[derive(Clone, Copy)]
enum To {
    Next,
    Label(&'static str),
}

/// A tiny assembler: instructions with labelled jumps, resolved to relative offsets.
#[derive(Default)]
struct Program {
    insns: Vec<(u16, To, To, u32)>,
    labels: Vec<(&'static str, usize)>,
}

impl Program {
    fn label(&mut self, name: &'static str) -> &mut Self {
        self.labels.push((name, self.insns.len()));
        self
    }
    fn op(&mut self, code: u16, k: u32) -> &mut Self {
        self.insns.push((code, To::Next, To::Next, k));
        self
    }
    fn jump(&mut self, code: u16, k: u32, yes: To, no: To) -> &mut Self {
        self.insns.push((code, yes, no, k));
        self
    }
    fn assemble(&self) -> Result<Vec<Insn>, String> {
        let at = |i: usize, to: To| -> Result<u8, String> {
            match to {
                To::Next => Ok(0),
                To::Label(name) => {
                    let target = self
                        .labels
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, t)| *t)
                        .ok_or(format!("no label {name}"))?;
                    u8::try_from(target.checked_sub(i + 1).ok_or("backward jump")?)
                        .map_err(|_| "jump too far".to_string())
                }
            }
        };
        self.insns
            .iter()
            .enumerate()
            .map(|(i, &(code, yes, no, k))| {
                Ok(Insn {
                    code,
                    jt: at(i, yes)?,
                    jf: at(i, no)?,
                    k,
                })
            })
            .collect()
    }
}

/// IKE (UDP 500/4500 either way), IP fragments (an IKE_AUTH split by IP), ESP (50) and
/// ICMP/ICMPv6, IPv4 and IPv6, from the network header on.
fn ike_filter() -> Result<Vec<Insn>, String> {
    use To::{Label as L, Next as N};
    let mut p = Program::default();
    p.op(LDB_ABS, 0)
        .op(AND_K, 0xf0)
        .jump(JEQ_K, 0x40, N, L("v6"))
        // IPv4
        .op(LDB_ABS, 9)
        .jump(JEQ_K, 50, L("yes"), N)
        .jump(JEQ_K, 1, L("yes"), N)
        .jump(JEQ_K, 17, N, L("no"))
        .op(LDH_ABS, 6)
        .jump(JSET_K, 0x3fff, L("yes"), N)
        .op(LDXB_MSH, 0)
        .op(LDH_IND, 0)
        .jump(JEQ_K, 500, L("yes"), N)
        .jump(JEQ_K, 4500, L("yes"), N)
        .op(LDH_IND, 2)
        .jump(JEQ_K, 500, L("yes"), N)
        .jump(JEQ_K, 4500, L("yes"), L("no"))
        // IPv6 (a fragment header or ESP right after the fixed header)
        .label("v6")
        .jump(JEQ_K, 0x60, N, L("no"))
        .op(LDB_ABS, 6)
        .jump(JEQ_K, 50, L("yes"), N)
        .jump(JEQ_K, 44, L("yes"), N)
        .jump(JEQ_K, 58, L("yes"), N)
        .jump(JEQ_K, 17, N, L("no"))
        .op(LDH_ABS, 40)
        .jump(JEQ_K, 500, L("yes"), N)
        .jump(JEQ_K, 4500, L("yes"), N)
        .op(LDH_ABS, 42)
        .jump(JEQ_K, 500, L("yes"), N)
        .jump(JEQ_K, 4500, L("yes"), L("no"))
        .label("yes")
        .op(RET_K, 0x0004_0000)
        .label("no")
        .op(RET_K, 0);
    p.assemble()
}

/// A packet socket on one interface with the IKE filter attached.
pub struct LiveCapture {
    fd: OwnedFd,
    pub interface: String,
}

fn last_error(what: &str) -> String {
    format!("{what}: {}", io::Error::last_os_error())
}

impl LiveCapture {
    pub fn open(interface: &str) -> Result<LiveCapture, String> {
        let name = CString::new(interface).map_err(|_| format!("{interface:?}: not a name"))?;
        // SAFETY: if_nametoindex reads a NUL-terminated string we own.
        let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if index == 0 {
            return Err(format!("{interface}: no such interface"));
        }
        let protocol = (libc::ETH_P_ALL as u16).to_be();
        // SAFETY: plain socket(2); the descriptor is owned at once.
        let raw = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_DGRAM, i32::from(protocol)) };
        if raw < 0 {
            return Err(last_error(&format!(
                "{interface}: packet socket (watch needs root or CAP_NET_RAW)"
            )));
        }
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let mut program = ike_filter()?;
        let fprog = libc::sock_fprog {
            len: u16::try_from(program.len()).map_err(|_| "filter too long")?,
            filter: program.as_mut_ptr(),
        };
        // SAFETY: setsockopt with a valid sock_fprog that outlives the call.
        let attached = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                std::ptr::addr_of!(fprog).cast(),
                std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
            )
        };
        if attached < 0 {
            return Err(last_error(&format!(
                "{interface}: attaching the BPF filter"
            )));
        }
        // SAFETY: zeroed sockaddr_ll is valid; the fields are set below.
        let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        address.sll_family = libc::AF_PACKET as u16;
        address.sll_protocol = protocol;
        address.sll_ifindex = i32::try_from(index).map_err(|_| "interface index")?;
        // SAFETY: bind with a sockaddr_ll of the right size.
        let bound = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                std::ptr::addr_of!(address).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if bound < 0 {
            return Err(last_error(&format!("{interface}: bind")));
        }
        let timeout = libc::timeval {
            tv_sec: 0,
            tv_usec: 200_000,
        };
        // SAFETY: setsockopt with a timeval that outlives the call.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                std::ptr::addr_of!(timeout).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
        Ok(LiveCapture {
            fd,
            interface: interface.to_string(),
        })
    }

    /// The next frame into `buffer` (its length), `Ok(None)` when none came within the
    /// socket's timeout. An interface that went down gives errors until it is back: the caller
    /// waits and retries.
    pub fn next(&self, buffer: &mut [u8]) -> io::Result<Option<usize>> {
        // SAFETY: recv into a buffer we own, of its length.
        let n = unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                buffer.as_mut_ptr().cast(),
                buffer.len(),
                0,
            )
        };
        if n >= 0 {
            return Ok(Some(n as usize));
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted => {
                Ok(None)
            }
            _ => Err(e),
        }
    }
}

/// How long to wait before reopening an interface that failed (gone, down).
pub const REOPEN_AFTER: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_assembles_with_forward_jumps_in_range() {
        let program = ike_filter().expect("assembles");
        assert!(program.len() < 64);
        assert_eq!(program.last().map(|i| (i.code, i.k)), Some((RET_K, 0)));
        // Every jump lands inside the program (returns do not jump).
        for (i, insn) in program.iter().enumerate() {
            if insn.code & 0x07 == 0x05 {
                assert!(i + 1 + usize::from(insn.jt) < program.len(), "jump {i}");
                assert!(i + 1 + usize::from(insn.jf) < program.len(), "jump {i}");
            }
        }
    }

    #[test]
    fn labels_must_exist_and_lie_ahead() {
        let mut p = Program::default();
        p.jump(JEQ_K, 1, To::Label("nowhere"), To::Next);
        assert!(p.assemble().is_err());
    }
}
