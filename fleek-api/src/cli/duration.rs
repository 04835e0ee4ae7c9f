//! Durations on the command line: `90s`, `10m`, `1h 30m`, `500ms` (`humantime`'s forms),
//! or plain seconds. Shown back as `1m 05s`: humantime's own format lists every unit down
//! to nanoseconds, which a progress line does not want.

use std::time::Duration;

/// Parses a duration (a clap value parser).
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let invalid = || format!("{text:?} is not a duration: write it as 90s, 10m, 1h 30m or 500ms");
    let duration = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(text.parse().map_err(|_| invalid())?)
    } else {
        humantime::parse_duration(text).map_err(|_| invalid())?
    };
    if duration.is_zero() {
        return Err(format!(
            "{text:?} is no time at all: give a duration above zero"
        ));
    }
    Ok(duration)
}

/// `1m 05s`, `42s`, `1.5s`: a duration as people read it.
pub(crate) fn show(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else if secs >= 10 {
        format!("{secs}s")
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read() {
        assert_eq!(parse("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("1.5m"), Ok(Duration::from_secs(90)));
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        for bad in ["", "m", "10 parsecs", "-5s", "0s"] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
        assert!(parse("ten").unwrap_err().contains("90s, 10m"));
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(show(Duration::from_millis(1500)), "1.5s");
        assert_eq!(show(Duration::from_secs(42)), "42s");
        assert_eq!(show(Duration::from_secs(65)), "1m 05s");
    }
}
