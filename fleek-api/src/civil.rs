//! Unix seconds as a UTC calendar date and time (the proleptic Gregorian calendar, by
//! Howard Hinnant's `civil_from_days`), for the CLI's log lines and the simulator's dates.

/// `(YYYY-MM-DD, HH:MM:SS)` of `unix` seconds, in UTC.
pub(crate) fn civil(unix: i64) -> (String, String) {
    let days = unix.div_euclid(86_400);
    let in_day = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            in_day / 3600,
            in_day % 3600 / 60,
            in_day % 60
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn unix_seconds_read_as_utc_dates() {
        let both = |unix| {
            let (date, time) = civil(unix);
            format!("{date} {time}")
        };
        assert_eq!(both(0), "1970-01-01 00:00:00");
        assert_eq!(both(1_739_454_949), "2025-02-13 13:55:49");
        assert_eq!(both(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(both(-1), "1969-12-31 23:59:59");
    }
}
