//! The summary every benchmark of this repository reports: a median with its range.

/// The median, the minimum and the maximum of `values` (`NaN`s sort last); all three are
/// `NaN` for no values.
pub(crate) fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

/// The value of `--rounds`: a whole number above 0, read from the next argument.
pub(crate) fn rounds<'a>(mut next: impl Iterator<Item = &'a &'a str>) -> Result<usize, String> {
    next.next()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| "--rounds takes a whole number above 0".to_string())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
        assert!(median(Vec::new()).0.is_nan());
    }
}
