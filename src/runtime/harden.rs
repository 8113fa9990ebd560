//! Process hardening: no core file may hold a password. obtui holds the OCP and obshell
//! passwords (and their Basic-auth form) in memory for as long as it runs, so core dumps are
//! switched off for the whole process before any password is read: the core size limit goes
//! to 0 (soft and hard, so a child cannot raise it back) and the process is marked not
//! dumpable (no core even if the limit were raised, and no ptrace attach or /proc/PID/mem
//! read by other processes of the same user without CAP_SYS_PTRACE).

use std::io;

/// Switch core dumps off for this process. Both steps are tried; the first failure is
/// returned (the caller logs it: a password may then end up in a core file).
pub fn no_core_dumps() -> io::Result<()> {
    use rustix::process::{setrlimit, Resource, Rlimit};
    let limit = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let dumpable =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let dumpable: rustix::io::Result<()> = Ok(());
    limit.and(dumpable).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    #[test]
    fn core_limit_is_zero_and_the_process_not_dumpable() {
        super::no_core_dumps().unwrap();
        let l = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!((l.current, l.maximum), (Some(0), Some(0)));
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
