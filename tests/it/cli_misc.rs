//! The small commands: info, config check, completions, man, --help.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

fn obtui(xdg: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(args)
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env_remove("OBTUI_PASSWORD")
        .output()
        .expect("run obtui")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("obtui-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("config/obtui")).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn info_prints_every_path() {
    let d = tmpdir("info");
    let o = obtui(&d, &["info"]);
    let s = text(&o);
    assert!(o.status.success(), "{s}");
    assert!(
        s.contains(&format!("{}/config/obtui/config.toml", d.display())),
        "{s}"
    );
    assert!(
        s.contains(&format!("{}/state/obtui/obtui.log", d.display())),
        "{s}"
    );
    assert!(s.contains("themes dir"), "{s}");
    assert!(s.contains(env!("CARGO_PKG_VERSION")), "{s}");
}

#[test]
fn config_check_resolves_profiles_and_masks_secrets() {
    let d = tmpdir("check");
    let cfg = d.join("config/obtui/config.toml");
    std::fs::write(
        &cfg,
        "default_profile = \"prod\"\n[profiles.prod]\nurl = \"http://ocp:8080\"\nuser = \"ops\"\npassword_command = \"echo s3cr3t-value\"\nread_only = true\n[profiles.lab]\nurl = \"http://lab:8080\"\ntheme = \"nope\"\n[keys]\nquit = \"Q\"\nhelp = \"j\"\n",
    )
    .unwrap();
    let o = obtui(&d, &["config", "check"]);
    let s = text(&o);
    assert!(o.status.success(), "{s}");
    assert!(s.contains("[profiles.prod] (default)"), "{s}");
    assert!(s.contains("read_only  true"), "{s}");
    assert!(s.contains("from password_command"), "{s}");
    assert!(s.contains("no theme \"nope\""), "{s}");
    assert!(s.contains("help: j is already bound to down"), "{s}");
    // The command is shown, its output (the password) never is.
    assert!(!s.contains("s3cr3t-value\n"), "{s}");

    // A plaintext password in a world-readable file is refused, and not printed.
    std::fs::write(
        &cfg,
        "[profiles.a]\nurl = \"http://x:1\"\npassword = \"hunter2\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = obtui(&d, &["config", "check"]);
    let s = text(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("chmod 600"), "{s}");
    assert!(!s.contains("hunter2"), "{s}");
    // The same file refuses to start a session.
    let o = obtui(&d, &["watch", "1", "--profile", "a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("other users can read it"));

    // Private to the user, the file is accepted; the warning is for the session that uses the
    // plaintext password, not for one given its own --url.
    std::fs::write(
        &cfg,
        "[profiles.a]\nurl = \"http://127.0.0.1:1\"\npassword = \"hunter2\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = obtui(
        &d,
        &["watch", "1", "--url", "http://127.0.0.1:1", "--user", "x"],
    );
    assert!(!text(&o).contains("plaintext password"), "{}", text(&o));
    let o = obtui(&d, &["watch", "1", "--profile", "a"]);
    assert!(text(&o).contains("plaintext password"), "{}", text(&o));
    assert!(!text(&o).contains("hunter2"), "{}", text(&o));

    // A syntax error names the line.
    std::fs::write(&cfg, "[profiles.a]\nurl = \n").unwrap();
    let o = obtui(&d, &["config", "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("line 2"), "{}", text(&o));
}

#[test]
fn completions_man_and_help() {
    let d = tmpdir("misc");
    for shell in ["bash", "zsh", "fish"] {
        let o = obtui(&d, &["completions", shell]);
        assert!(o.status.success());
        let s = String::from_utf8_lossy(&o.stdout);
        assert!(
            s.contains("obtui") && s.contains("watch") && s.contains("demo"),
            "{shell}"
        );
    }
    let o = obtui(&d, &["man"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(s.contains(".TH obtui 1"), "{s}");
    let o = obtui(&d, &["--help"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("Examples:") && s.contains("obtui demo"), "{s}");
}

#[test]
fn a_closed_pipe_ends_a_plain_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    // `obtui man | head -0`: the reader is gone before the first write.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_obtui"))
        .arg("man")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run obtui man");
    assert_eq!(
        out.status.signal(),
        Some(13),
        "killed by SIGPIPE like a Unix tool, not {:?}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_ends_println_output_quietly_too() {
    use std::os::unix::process::ExitStatusExt;
    // `config check` prints with println!, which panics on a closed pipe unless the hook
    // steps in.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_obtui"))
        .args(["config", "check"])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("obtui-no-config"),
        )
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run obtui");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.signal(), Some(13), "{:?} {err}", out.status);
}

/// `task show --file` shows a task only when the JSON holds one: `{}`, an unrelated object and
/// a saved OCP error response exit 2 with the reason (the error's status, message and
/// traceId); a task with a UTF-8 byte-order mark is read.
#[test]
fn task_show_file_refuses_what_is_not_a_task() {
    let d = tmpdir("taskfile");
    let f = d.join("t.json");
    let show = |body: &[u8]| {
        std::fs::write(&f, body).unwrap();
        let f = f.to_str().unwrap();
        obtui(&d, &["task", "show", "--ascii", "--file", f])
    };
    for body in [
        "{}",
        "{\"foo\":1}",
        "{\"data\":{}}",
        "{\"data\":null,\"successful\":true}",
    ] {
        let o = show(body.as_bytes());
        let s = text(&o);
        assert_eq!(o.status.code(), Some(2), "{body}: {s}");
        assert!(s.contains("no task"), "{body}: {s}");
        assert!(!s.contains("task #0"), "{body}: {s}");
    }
    let envelope = r#"{"duration":0,"error":{"code":10000,"message":"cluster is busy"},
        "server":"a83ad33525","status":409,"successful":false,
        "timestamp":"2020-12-03T09:38:24.194+08:00","traceId":"7d1c0ffee0ba5e1"}"#;
    let o = show(envelope.as_bytes());
    let s = text(&o);
    assert_eq!(o.status.code(), Some(2), "{s}");
    assert!(s.contains("HTTP 409"), "{s}");
    assert!(s.contains("cluster is busy"), "{s}");
    assert!(s.contains("7d1c0ffee0ba5e1"), "{s}");
    assert!(!s.contains("task #0"), "{s}");

    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocp/task-instance-detail.json");
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(std::fs::read(&fixture).unwrap());
    let o = show(&bom);
    let s = text(&o);
    assert!(o.status.success(), "{s}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&fixture).unwrap()).unwrap();
    assert!(s.starts_with(&format!("task #{} ", v["data"]["id"])), "{s}");
}

/// A theme file that cannot be read (here: not UTF-8) is reported with its path and the real
/// reason, not as a missing theme.
#[test]
fn config_check_names_an_unreadable_theme_file_and_why() {
    let d = tmpdir("badtheme");
    let themes = d.join("config/obtui/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(
        themes.join("broken.toml"),
        b"[colors]\nfg = \"\xff\xfe red\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("config/obtui/config.toml"),
        "[profiles.a]\nurl = \"http://x:1\"\ntheme = \"broken\"\n",
    )
    .unwrap();
    let o = obtui(&d, &["config", "check"]);
    let s = text(&o);
    assert!(!s.contains("no theme"), "{s}");
    assert!(
        s.contains(&themes.join("broken.toml").display().to_string()),
        "{s}"
    );
    assert!(s.contains("UTF-8"), "{s}");
}

/// A long invalid value is quoted cut, with its length, wherever a message quotes it: a
/// 120 KB `--url`, a huge `default_profile`, a long `--profile` or theme name.
#[test]
fn long_invalid_inputs_are_quoted_cut_with_their_length() {
    let d = tmpdir("longinput");
    let long = "a".repeat(120 * 1024);
    let check = |o: &Output, what: &str| {
        let s = text(o);
        assert!(!o.status.success(), "{what}: exit 0");
        assert!(s.len() < 4096, "{what}: {} bytes of message", s.len());
        assert!(s.contains(" bytes)"), "{what}: {s}");
    };
    let url = format!("ftp://{long}");
    let o = obtui(&d, &["--url", &url, "--user", "u", "task", "show", "1"]);
    check(&o, "scheme");
    assert!(
        text(&o).contains(&format!("({} bytes)", url.len())),
        "{}",
        text(&o)
    );
    let url = format!("http://{long} x");
    check(
        &obtui(&d, &["--url", &url, "--user", "u", "task", "show", "1"]),
        "spaces",
    );
    check(
        &obtui(&d, &["--profile", &long, "task", "show", "1"]),
        "profile",
    );

    let cfg = d.join("config/obtui/config.toml");
    std::fs::write(
        &cfg,
        format!("default_profile = \"{long}\"\n[profiles.a]\nurl = \"http://x:1\"\n"),
    )
    .unwrap();
    check(&obtui(&d, &["task", "show", "1"]), "default_profile");
    let o = obtui(&d, &["config", "check"]);
    let s = text(&o);
    assert!(s.len() < 4096, "config check: {} bytes", s.len());
    assert!(s.contains(" bytes)"), "{s}");

    std::fs::write(
        &cfg,
        format!("[profiles.a]\nurl = \"http://x:1\"\ntheme = \"{long}\"\n"),
    )
    .unwrap();
    let s = text(&obtui(&d, &["config", "check"]));
    assert!(s.len() < 4096, "theme: {} bytes", s.len());

    // A TOML error quotes the offending line: cut too.
    std::fs::write(&cfg, format!("default_profile = \"{long}\n")).unwrap();
    check(&obtui(&d, &["task", "show", "1"]), "toml error");
}

/// `obtui sim` binds every port before it says it is listening: with the obshell agents' port
/// taken it prints no "listening" line, names the address in use, and exits 2.
#[test]
fn sim_says_nothing_is_listening_when_a_port_is_taken() {
    let d = tmpdir("simbind");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = obtui(
        &d,
        &["sim", "--listen", "127.0.0.1:0", "--obshell-listen", &addr],
    );
    let s = text(&o);
    assert_eq!(o.status.code(), Some(2), "{s}");
    assert!(!s.contains("listening on"), "{s}");
    assert!(s.contains(&addr), "{s}");

    // The OCP port taken: the error names it too.
    let o = obtui(&d, &["sim", "--listen", &addr]);
    let s = text(&o);
    assert_eq!(o.status.code(), Some(2), "{s}");
    assert!(s.contains(&addr), "{s}");
    assert!(!s.contains("listening on"), "{s}");
}
