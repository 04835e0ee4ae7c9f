//! Tables of the lists people read most: agents, plans, subscriptions, payment methods.

use std::any::Any;

// The standard ANSI colours (SGR 38;5;1..3), as the rest of the output uses.
use crate::types::{
    AgentPage, AgentStatus, PaymentMethodPage, Plan, StringOrInteger, Subscription,
    SubscriptionList, SubscriptionStatus,
};
use comfy_table::Color::{DarkGreen as GREEN, DarkRed as RED, DarkYellow as YELLOW};

/// The table of `value`, when it is one of the lists above.
pub(crate) fn of(value: &dyn Any, color: bool) -> Option<String> {
    let table = if let Some(page) = value.downcast_ref::<AgentPage>() {
        agents(page)
    } else if let Some(plans) = value.downcast_ref::<Vec<Plan>>() {
        self::plans(plans)
    } else if let Some(list) = value.downcast_ref::<SubscriptionList>() {
        match list {
            SubscriptionList::Array(list) => subscriptions(list),
            SubscriptionList::Subscription(one) => subscriptions(std::slice::from_ref(one)),
        }
    } else if let Some(page) = value.downcast_ref::<PaymentMethodPage>() {
        payment_methods(page)
    } else {
        return None;
    };
    Some(table.render(color))
}

/// A cell, with the colour it gets on a terminal.
struct Cell {
    text: String,
    color: Option<comfy_table::Color>,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell { text, color: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        text.to_string().into()
    }
}

struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
    /// Said under the rows, such as where the next page starts.
    note: Option<String>,
}

impl Table {
    /// The rows under a bold header, columns two spaces apart and no borders (`comfy-table`
    /// measures each cell by its display width, so wide characters line up); colour only
    /// when `color` is on, and wrapped to the terminal's width only on one.
    fn render(&self, color: bool) -> String {
        if self.rows.is_empty() {
            return match &self.note {
                Some(note) => format!("(none)\n{note}"),
                None => "(none)".to_string(),
            };
        }
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::NOTHING);
        if color {
            table.enforce_styling();
            // Wrapped to a terminal's width only when it has a usable one (a pseudo-terminal
            // may report none, or zero columns).
            if table.width().is_some_and(|width| width >= 40) {
                table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            }
        } else {
            table.force_no_tty();
        }
        let bold = |text: &str| {
            let cell = comfy_table::Cell::new(text);
            if color {
                cell.add_attribute(comfy_table::Attribute::Bold)
            } else {
                cell
            }
        };
        table.set_header(self.header.iter().map(|h| bold(h)));
        for row in &self.rows {
            table.add_row(row.iter().map(|cell| {
                let text = comfy_table::Cell::new(&cell.text);
                match cell.color.filter(|_| color) {
                    Some(color) => text.fg(color),
                    None => text,
                }
            }));
        }
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
        let mut out = table.trim_fmt();
        out.push('\n');
        if let Some(note) = &self.note {
            out.push_str(note);
        }
        out
    }
}

fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

fn next_page(url: Option<&str>) -> Option<String> {
    url.map(|url| format!("more: {url}"))
}

fn agents(page: &AgentPage) -> Table {
    Table {
        header: vec!["ID", "NAME", "STATUS", "PROJECT", "VERSION", "CREATED"],
        rows: page
            .data
            .iter()
            .map(|agent| {
                vec![
                    agent.id.as_str().into(),
                    agent.name.as_str().into(),
                    Cell {
                        text: agent.status.to_string(),
                        color: Some(match agent.status {
                            AgentStatus::Running => GREEN,
                            AgentStatus::Failed => RED,
                            _ => YELLOW,
                        }),
                    },
                    agent.project_id.as_str().into(),
                    or_dash(agent.framework_version.as_deref()).into(),
                    or_dash(agent.created_at.as_deref()).into(),
                ]
            })
            .collect(),
        note: next_page(page.next_page.as_deref()),
    }
}

fn plans(plans: &[Plan]) -> Table {
    Table {
        header: vec!["ID", "NAME", "PRICE", "DESCRIPTION"],
        rows: plans
            .iter()
            .map(|plan| {
                vec![
                    plan.id.as_str().into(),
                    plan.name.as_str().into(),
                    plan.price.to_string().into(),
                    or_dash(plan.description.as_deref()).into(),
                ]
            })
            .collect(),
        note: None,
    }
}

fn subscriptions(list: &[Subscription]) -> Table {
    Table {
        header: vec!["ID", "STATUS", "PLAN", "QUANTITY", "PERIOD ENDS"],
        rows: list
            .iter()
            .map(|subscription| {
                let quantity: i64 = subscription.items.iter().map(|item| item.quantity).sum();
                vec![
                    subscription.id.as_str().into(),
                    Cell {
                        text: subscription.status.to_string(),
                        color: Some(match subscription.status {
                            SubscriptionStatus::Active | SubscriptionStatus::Trialing => GREEN,
                            SubscriptionStatus::Canceled | SubscriptionStatus::Unpaid => RED,
                            _ => YELLOW,
                        }),
                    },
                    or_dash(subscription.plan.as_ref().map(|plan| plan.name.as_str())).into(),
                    quantity.to_string().into(),
                    or_dash(subscription.period_end_date.as_deref()).into(),
                ]
            })
            .collect(),
        note: None,
    }
}

fn payment_methods(page: &PaymentMethodPage) -> Table {
    let number = |value: &Option<StringOrInteger>| match value {
        Some(StringOrInteger::String(text)) => text.clone(),
        Some(StringOrInteger::Int64(n)) => n.to_string(),
        None => "-".to_string(),
    };
    Table {
        header: vec!["ID", "BRAND", "LAST 4", "EXPIRES", "COUNTRY"],
        rows: page
            .data
            .iter()
            .map(|method| {
                vec![
                    method.id.as_str().into(),
                    or_dash(method.brand.as_deref()).into(),
                    or_dash(method.last4.as_deref()).into(),
                    format!(
                        "{}/{}",
                        number(&method.expiry_month),
                        number(&method.expiry_year)
                    )
                    .into(),
                    or_dash(method.country.as_deref()).into(),
                ]
            })
            .collect(),
        note: next_page(page.next.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The display column where `needle` starts on `line` (the CJK characters below take
    /// two columns each).
    fn column(line: &str, needle: &str) -> usize {
        let at = line.find(needle).expect("present");
        line[..at]
            .chars()
            .map(|c| if c >= '\u{3000}' { 2 } else { 1 })
            .sum()
    }

    #[test]
    fn wide_characters_keep_the_columns_aligned() {
        let table = Table {
            header: vec!["NAME", "STATUS"],
            rows: vec![
                vec!["Nova".into(), "Running".into()],
                vec!["星の案内人".into(), "Stopped".into()],
            ],
            note: None,
        };
        let text = table.render(false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            column(lines[0], "STATUS"),
            column(lines[1], "Running"),
            "{text}"
        );
        assert_eq!(
            column(lines[1], "Running"),
            column(lines[2], "Stopped"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "{text}");
        assert!(lines.iter().all(|line| !line.ends_with(' ')), "{text:?}");
    }
}
