//! Tables of the lists people read most: agents, plans, subscriptions, payment methods.

use std::any::Any;

use super::style::{paint, BOLD, GREEN, RED, YELLOW};
use crate::types::{
    AgentPage, AgentStatus, PaymentMethodPage, Plan, StringOrInteger, Subscription,
    SubscriptionList, SubscriptionStatus,
};

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
    color: Option<anstyle::Style>,
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
    fn render(&self, color: bool) -> String {
        if self.rows.is_empty() {
            return match &self.note {
                Some(note) => format!("(none)\n{note}"),
                None => "(none)".to_string(),
            };
        }
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.text.chars().count());
            }
        }
        let mut out = String::new();
        let header: Vec<Cell> = self.header.iter().map(|h| Cell::from(*h)).collect();
        push_row(&mut out, &header, &widths, color.then_some(BOLD), color);
        for row in &self.rows {
            push_row(&mut out, row, &widths, None, color);
        }
        if let Some(note) = &self.note {
            out.push_str(note);
        }
        out
    }
}

/// One row, each cell padded to its column's width; colour (`all` cells, or each cell's own,
/// when `color` is on) is added after the padding so that escape codes do not count as width.
fn push_row(
    out: &mut String,
    row: &[Cell],
    widths: &[usize],
    all: Option<anstyle::Style>,
    color: bool,
) {
    let last = row.len().saturating_sub(1);
    for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
        let padding = if i == last {
            0
        } else {
            width - cell.text.chars().count()
        };
        match all.or(cell.color).filter(|_| color) {
            Some(style) => out.push_str(&paint(&cell.text, style, true)),
            None => out.push_str(&cell.text),
        }
        if i != last {
            out.push_str(&" ".repeat(padding + 2));
        }
    }
    out.push('\n');
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
