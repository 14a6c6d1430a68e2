//! Sign-in with the operating-system account: user name and password checked by PAM
//! (`libpam`, service `[dashboard] pam_service`, default `cetak`, i.e. `/etc/pam.d/cetak`,
//! installed by the package). `pam_authenticate` checks the password, `pam_acct_mgmt` that the
//! account may be used now (not expired or locked). No session is opened: the dashboard keeps
//! its own, and the role still comes from the user's groups at each request.
//!
//! A few lines of FFI instead of a PAM crate: the crates generate their bindings with bindgen
//! (libclang at build time) for the five functions and two structs used here. The daemon runs
//! as the service user: `pam_unix` then checks other users' passwords only if that user may
//! read `/etc/shadow` (group `shadow`, see `docs/dashboard.md`).
//!
//! Blocking (PAM modules sleep after a failure, NSS may block): call from `spawn_blocking`.

// FFI to libpam: the only unsafe code of the crate (`lib.rs` denies it everywhere else).
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use nix::libc;

#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}

#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}

type ConvFn =
    extern "C" fn(c_int, *mut *const PamMessage, *mut *mut PamResponse, *mut c_void) -> c_int;

#[repr(C)]
struct PamConv {
    conv: Option<ConvFn>,
    appdata_ptr: *mut c_void,
}

#[repr(C)]
struct PamHandle {
    _private: [u8; 0],
}

const PAM_SUCCESS: c_int = 0;
const PAM_CONV_ERR: c_int = 19;
const PAM_PROMPT_ECHO_OFF: c_int = 1;
const PAM_PROMPT_ECHO_ON: c_int = 2;
const PAM_SILENT: c_int = 0x8000;
const PAM_DISALLOW_NULL_AUTHTOK: c_int = 0x0001;

#[link(name = "pam")]
extern "C" {
    fn pam_start(
        service: *const c_char,
        user: *const c_char,
        conv: *const PamConv,
        pamh: *mut *mut PamHandle,
    ) -> c_int;
    fn pam_authenticate(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_acct_mgmt(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_end(pamh: *mut PamHandle, status: c_int) -> c_int;
    fn pam_strerror(pamh: *mut PamHandle, errnum: c_int) -> *const c_char;
}

/// Why PAM refused (English, for the log only: the person sees one text for every refusal, so
/// a wrong password and an unknown user look alike).
#[derive(Debug, thiserror::Error)]
#[error("PAM {step}: {text} ({code})")]
pub struct PamError {
    /// `start`, `authenticate` or `account`.
    pub step: &'static str,
    /// PAM's return code.
    pub code: i32,
    /// `pam_strerror`.
    pub text: String,
}

/// What the conversation answers.
struct Credentials {
    user: CString,
    password: CString,
}

/// Copies `s` into memory PAM frees (`free(3)`).
fn dup(s: &CStr) -> *mut c_char {
    // SAFETY: `s` is a valid NUL-terminated string; strdup returns NULL or a malloc'd copy.
    unsafe { libc::strdup(s.as_ptr()) }
}

/// The conversation: the user name for an echoed prompt, the password for a hidden one,
/// nothing for information and error texts.
extern "C" fn converse(
    num_msg: c_int,
    msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    if num_msg <= 0 || msg.is_null() || resp.is_null() || appdata.is_null() {
        return PAM_CONV_ERR;
    }
    let n = num_msg as usize;
    // SAFETY: `appdata` is the `Credentials` given to pam_start, alive for the whole
    // transaction (see `authenticate`).
    let creds = unsafe { &*(appdata as *const Credentials) };
    // SAFETY: calloc returns zeroed memory for n responses or NULL; PAM frees it.
    let out = unsafe { libc::calloc(n, std::mem::size_of::<PamResponse>()) } as *mut PamResponse;
    if out.is_null() {
        return PAM_CONV_ERR;
    }
    for i in 0..n {
        // SAFETY: Linux-PAM passes an array of `n` pointers to messages.
        let m = unsafe { &**msg.add(i) };
        let answer = match m.msg_style {
            PAM_PROMPT_ECHO_ON => dup(&creds.user),
            PAM_PROMPT_ECHO_OFF => dup(&creds.password),
            _ => std::ptr::null_mut(),
        };
        // SAFETY: `out` has room for `n` responses.
        unsafe { (*out.add(i)).resp = answer };
    }
    // SAFETY: `resp` is PAM's out-pointer.
    unsafe { *resp = out };
    PAM_SUCCESS
}

fn strerror(h: *mut PamHandle, code: c_int) -> String {
    // SAFETY: pam_strerror returns a static string (or NULL).
    let p = unsafe { pam_strerror(h, code) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-NULL, NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Checks `user`'s `password` with the PAM service `service`, and that the account may be used.
pub fn authenticate(service: &str, user: &str, password: &str) -> Result<(), PamError> {
    let bad = |step| PamError {
        step,
        code: -1,
        text: "a NUL byte in the service, user or password".into(),
    };
    let service = CString::new(service).map_err(|_| bad("start"))?;
    let creds = Box::new(Credentials {
        user: CString::new(user).map_err(|_| bad("start"))?,
        password: CString::new(password).map_err(|_| bad("start"))?,
    });
    let conv = PamConv {
        conv: Some(converse),
        appdata_ptr: &*creds as *const Credentials as *mut c_void,
    };
    let mut h: *mut PamHandle = std::ptr::null_mut();
    // SAFETY: valid strings; `conv` and `creds` outlive the handle (pam_end below).
    let rc = unsafe { pam_start(service.as_ptr(), creds.user.as_ptr(), &conv, &mut h) };
    if rc != PAM_SUCCESS || h.is_null() {
        return Err(PamError {
            step: "start",
            code: rc,
            text: strerror(h, rc),
        });
    }
    let flags = PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK;
    // SAFETY: `h` is a live handle.
    let mut rc = unsafe { pam_authenticate(h, flags) };
    let mut step = "authenticate";
    if rc == PAM_SUCCESS {
        step = "account";
        // SAFETY: as above.
        rc = unsafe { pam_acct_mgmt(h, flags) };
    }
    let result = if rc == PAM_SUCCESS {
        Ok(())
    } else {
        Err(PamError {
            step,
            code: rc,
            text: strerror(h, rc),
        })
    };
    // SAFETY: ends the transaction; `h` is not used afterwards.
    unsafe { pam_end(h, rc) };
    // `conv` and `creds` were borrowed by PAM until here.
    let _ = &conv;
    // Overwrite the password before its memory is freed.
    let mut bytes = creds.password.into_bytes();
    bytes.fill(0);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_service_or_user_is_refused_not_a_crash() {
        // No such user: refused whatever the service file says (pam falls back to
        // /etc/pam.d/other, which denies on Debian).
        let e = authenticate("cetak", "cetak-no-such-user-x", "wrong").unwrap_err();
        assert_ne!(e.code, PAM_SUCCESS);
        assert!(authenticate("cetak", "a\0b", "x").is_err());
    }
}
