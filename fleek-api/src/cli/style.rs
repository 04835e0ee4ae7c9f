//! Colours, as `anstyle` styles, for output that wants them (see `streams`).

use anstyle::{AnsiColor, Style};

pub(crate) const RED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
pub(crate) const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
pub(crate) const YELLOW: Style =
    Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

/// `text` in `style` when `color` is on.
pub(crate) fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_the_usual_ansi_ones() {
        assert_eq!(paint("ok", GREEN, true), "\x1b[32mok\x1b[0m");
        assert_eq!(paint("ok", RED, false), "ok");
    }
}
