//! Where `auth login` keeps a profile's key: the operating system's keyring (Keychain,
//! Credential Manager, the Secret Service), or, where none is available (a headless Linux
//! box) or with `--insecure-storage`, `credentials.json` in the config directory, readable
//! by the user only. `FLEEK_KEYRING=off` skips the keyring altogether.
//!
//! The rules are written against [`Vault`], so that a keyring that refuses can be tested
//! without one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::exit::{CliError, Exit};
use super::profiles::{config_dir, write_private};

/// `FLEEK_KEYRING=off`: never use the keyring.
pub(crate) const KEYRING_ENV: &str = "FLEEK_KEYRING";
/// The keyring's service name; the entry's user is the profile.
const SERVICE: &str = "fleek-agents";

/// Where a key is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Keyring,
    File(PathBuf),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Keyring => f.write_str("the system keyring"),
            Place::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A keyring, as far as these rules need one. Errors are the keyring's own words.
pub(crate) trait Vault {
    /// Whether there is a keyring to talk to at all.
    fn available(&self) -> Result<(), String>;
    fn set(&self, profile: &str, key: &str) -> Result<(), String>;
    /// `Ok(None)` when the profile has no key in it.
    fn get(&self, profile: &str) -> Result<Option<String>, String>;
    /// `Ok(false)` when there was nothing to remove.
    fn delete(&self, profile: &str) -> Result<bool, String>;
}

/// No keyring: for reading a key where nothing may ask (shell completion).
pub(crate) struct NoKeyring;

impl Vault for NoKeyring {
    fn available(&self) -> Result<(), String> {
        Err("the keyring is not read here".into())
    }
    fn set(&self, _: &str, _: &str) -> Result<(), String> {
        self.available()
    }
    fn get(&self, _: &str) -> Result<Option<String>, String> {
        self.available().map(|()| None)
    }
    fn delete(&self, _: &str) -> Result<bool, String> {
        self.available().map(|()| false)
    }
}

/// The operating system's keyring (the `keyring` crate), or none with `FLEEK_KEYRING=off`.
pub(crate) struct SystemKeyring;

impl SystemKeyring {
    fn entry(profile: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, profile).map_err(|e| e.to_string())
    }
}

impl Vault for SystemKeyring {
    fn available(&self) -> Result<(), String> {
        if std::env::var(KEYRING_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
            return Err(format!("{KEYRING_ENV}=off"));
        }
        match keyring::Entry::store_status() {
            Ok(()) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, profile: &str, key: &str) -> Result<(), String> {
        Self::entry(profile)?
            .set_password(key)
            .map_err(|e| e.to_string())
    }

    fn get(&self, profile: &str) -> Result<Option<String>, String> {
        match Self::entry(profile)?.get_password() {
            Ok(key) => Ok(Some(key)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn delete(&self, profile: &str) -> Result<bool, String> {
        match Self::entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The key file's path.
pub(crate) fn key_file() -> Result<PathBuf, CliError> {
    Ok(config_dir()?.join("credentials.json"))
}

/// What storing a key did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) place: Place,
    /// Said on stderr: why the key is in a file.
    pub(crate) warning: Option<String>,
}

/// Keeps `key` as `profile`'s: in the keyring, else (none available, or `insecure`) in
/// `file`. A keyring that is there but refuses is an error that says how to go on.
pub(crate) fn store(
    vault: &dyn Vault,
    file: &Path,
    profile: &str,
    key: &str,
    insecure: bool,
) -> Result<Stored, CliError> {
    let unavailable = if insecure {
        None
    } else {
        match vault.available() {
            Ok(()) => {
                vault.set(profile, key).map_err(|why| {
                    CliError::new(
                        Exit::Failure,
                        format!(
                            "the system keyring refused to store the key ({why}); nothing was \
                             stored. Unlock the keyring and try again, or pass \
                             --insecure-storage to keep the key in {} (readable by you only)",
                            file.display()
                        ),
                    )
                })?;
                // One place only: a key left in the file would outlive `auth logout`.
                remove_from_file(file, profile)?;
                return Ok(Stored {
                    place: Place::Keyring,
                    warning: None,
                });
            }
            Err(why) => Some(why),
        }
    };
    let mut keys = read_file(file)?;
    keys.insert(profile.to_string(), key.to_string());
    write_file(file, &keys)?;
    Ok(Stored {
        place: Place::File(file.to_path_buf()),
        warning: unavailable.map(|why| {
            format!(
                "no system keyring is available ({why}); the key is stored in {}, readable by \
                 you only",
                file.display()
            )
        }),
    })
}

/// `profile`'s key and where it was: the keyring first, then the file.
pub(crate) fn load(
    vault: &dyn Vault,
    file: &Path,
    profile: &str,
) -> Result<Option<(String, Place)>, CliError> {
    if vault.available().is_ok() {
        match vault.get(profile) {
            Ok(Some(key)) => return Ok(Some((key, Place::Keyring))),
            Ok(None) => {}
            Err(why) => {
                return Err(CliError::new(
                    Exit::Usage,
                    format!(
                        "the system keyring refused to give the key of the profile {profile:?} \
                         ({why}): unlock it, or set FLEEK_API_KEY for this command"
                    ),
                ))
            }
        }
    }
    Ok(read_file(file)?
        .remove(profile)
        .map(|key| (key, Place::File(file.to_path_buf()))))
}

/// Removes `profile`'s key from wherever it is; the places it was removed from.
pub(crate) fn remove(
    vault: &dyn Vault,
    file: &Path,
    profile: &str,
) -> Result<Vec<Place>, CliError> {
    let mut removed = Vec::new();
    if vault.available().is_ok() {
        let deleted = vault.delete(profile).map_err(|why| {
            CliError::new(
                Exit::Failure,
                format!(
                    "the system keyring refused to remove the key of the profile {profile:?} \
                     ({why}): unlock it and try again"
                ),
            )
        })?;
        if deleted {
            removed.push(Place::Keyring);
        }
    }
    if remove_from_file(file, profile)? {
        removed.push(Place::File(file.to_path_buf()));
    }
    Ok(removed)
}

fn remove_from_file(file: &Path, profile: &str) -> Result<bool, CliError> {
    let mut keys = read_file(file)?;
    if keys.remove(profile).is_none() {
        return Ok(false);
    }
    write_file(file, &keys)?;
    Ok(true)
}

fn read_file(file: &Path) -> Result<BTreeMap<String, String>, CliError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(CliError::usage(format!(
                "cannot read the key file {}: {e}",
                file.display()
            )))
        }
    };
    // The file's content is never quoted in the error: it holds keys.
    serde_json::from_str(&text).map_err(|_| {
        CliError::usage(format!(
            "the key file {} is not what `auth login` writes: delete it and log in again",
            file.display()
        ))
    })
}

fn write_file(file: &Path, keys: &BTreeMap<String, String>) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(keys).unwrap_or_default();
    write_private(file, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A keyring that is absent, refuses, or keeps keys in memory.
    enum Fake {
        Absent,
        Refusing,
        Working(RefCell<BTreeMap<String, String>>),
    }

    impl Vault for Fake {
        fn available(&self) -> Result<(), String> {
            match self {
                Fake::Absent => Err("no D-Bus session".into()),
                _ => Ok(()),
            }
        }
        fn set(&self, profile: &str, key: &str) -> Result<(), String> {
            match self {
                Fake::Working(keys) => {
                    keys.borrow_mut().insert(profile.into(), key.into());
                    Ok(())
                }
                _ => Err("the collection is locked".into()),
            }
        }
        fn get(&self, profile: &str) -> Result<Option<String>, String> {
            match self {
                Fake::Working(keys) => Ok(keys.borrow().get(profile).cloned()),
                _ => Err("the collection is locked".into()),
            }
        }
        fn delete(&self, profile: &str) -> Result<bool, String> {
            match self {
                Fake::Working(keys) => Ok(keys.borrow_mut().remove(profile).is_some()),
                _ => Err("the collection is locked".into()),
            }
        }
    }

    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fleek-secrets-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("credentials.json")
    }

    const KEY: &str = "fk_test_S3CR3T_secrets";

    #[test]
    fn without_a_keyring_the_key_goes_to_a_private_file_with_a_warning() {
        let file = scratch("absent");
        let stored = store(&Fake::Absent, &file, "work", KEY, false).expect("stored");
        assert_eq!(stored.place, Place::File(file.clone()));
        let warning = stored.warning.expect("a warning");
        assert!(
            warning.contains("no D-Bus session") && warning.contains(&file.display().to_string())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let loaded = load(&Fake::Absent, &file, "work").expect("read");
        assert_eq!(loaded, Some((KEY.to_string(), Place::File(file.clone()))));
        assert_eq!(
            remove(&Fake::Absent, &file, "work").expect("removed"),
            [Place::File(file.clone())]
        );
        assert_eq!(load(&Fake::Absent, &file, "work").expect("read"), None);
    }

    #[test]
    fn a_keyring_that_refuses_stores_nothing_and_says_how_to_go_on() {
        let file = scratch("refusing");
        let error = store(&Fake::Refusing, &file, "work", KEY, false).expect_err("refused");
        assert_eq!(error.exit, Exit::Failure);
        assert!(error.message.contains("locked"), "{}", error.message);
        assert!(
            error.message.contains("--insecure-storage"),
            "{}",
            error.message
        );
        assert!(!error.message.contains(KEY));
        assert!(!file.exists(), "nothing stored");
        let error = load(&Fake::Refusing, &file, "work").expect_err("refused");
        assert!(error.message.contains("FLEEK_API_KEY"), "{}", error.message);
        // --insecure-storage does not ask the keyring.
        let stored = store(&Fake::Refusing, &file, "work", KEY, true).expect("stored");
        assert_eq!(stored.place, Place::File(file.clone()));
        assert_eq!(stored.warning, None);
    }

    #[test]
    fn a_working_keyring_holds_the_only_copy() {
        let file = scratch("working");
        let vault = Fake::Working(RefCell::default());
        store(&vault, &file, "work", "old", true).expect("in the file");
        let stored = store(&vault, &file, "work", KEY, false).expect("stored");
        assert_eq!(stored.place, Place::Keyring);
        assert_eq!(
            read_file(&file).expect("read").get("work"),
            None,
            "the file's copy is gone"
        );
        assert_eq!(
            load(&vault, &file, "work").expect("read"),
            Some((KEY.to_string(), Place::Keyring))
        );
        assert_eq!(
            remove(&vault, &file, "work").expect("removed"),
            [Place::Keyring]
        );
    }
}
