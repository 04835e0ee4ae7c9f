//! How `Debug` shows a value that must never be printed (a character file with its
//! secrets, an agent token): that it is there, never what it is. The generator puts
//! [`Redacted`] into the `Debug` of every generated type with such a field
//! (`fleek-api-gen`'s `SENSITIVE_FIELDS`); the hand-written types use it too.

use std::fmt;

/// Shows `<redacted>` in place of the value it wraps.
pub(crate) struct Redacted<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An optional secret: `None`, or `Some(<redacted>)`.
pub(crate) struct RedactedOption<'a, T>(pub(crate) &'a Option<T>);

impl<T> fmt::Debug for RedactedOption<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Some(<redacted>)"),
            None => f.write_str("None"),
        }
    }
}

/// Secrets by name: the names shown, each value `<redacted>`.
pub(crate) struct SecretNames<'a, V>(pub(crate) &'a std::collections::BTreeMap<String, V>);

impl<V> fmt::Debug for SecretNames<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|name| (name, Redacted(&()))))
            .finish()
    }
}
