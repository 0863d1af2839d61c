//! Pure renderers of the visual-IVR flow: the full flow (every page as the X-Platform page
//! model), the summary (only pages with customer input, only selected options), and a
//! variable set.

use interlog_core::record::{Choice, ChoiceKind, FlowStep, Interaction};
use serde_json::{json, Map, Value};

fn button(label: &str, action: &str) -> Value {
    json!({"buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": label, "buttonAction": action})
}

/// The kind-specific part of a choice: exactly one of the six documented keys.
fn choice_kind(choice: &Choice, step: &FlowStep) -> (&'static str, Value) {
    match choice.kind {
        ChoiceKind::ClickToContinue => ("clickToContinue", json!({})),
        ChoiceKind::Option => ("choiceOption", json!({"selected": choice.selected})),
        ChoiceKind::Switch => ("choiceSwitch", json!({"selected": choice.selected})),
        ChoiceKind::SelectFromList => (
            "selectFromList",
            json!({"selected": choice.selected, "value": choice.value}),
        ),
        ChoiceKind::TextInput => ("textInput", json!({"value": choice.input})),
        ChoiceKind::UploadImageList => {
            let images: Vec<Value> = step
                .photos
                .iter()
                .map(|p| json!({"img_path": p.path.clone().unwrap_or_else(|| p.content_id.clone()), "contentId": p.content_id}))
                .collect();
            ("uploadImageList", json!({"images": images}))
        }
    }
}

fn render_choice(choice: &Choice, step: &FlowStep) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(choice.id));
    object.insert(
        "choiceValue".into(),
        json!(choice.value.clone().unwrap_or_default()),
    );
    if let Some(label) = &choice.label {
        object.insert("choiceLabel".into(), json!(label));
    }
    let (key, value) = choice_kind(choice, step);
    object.insert(key.into(), value);
    Value::Object(object)
}

/// One page of the full flow.
fn render_page(step: &FlowStep) -> Value {
    let single = step
        .choices
        .iter()
        .filter(|c| c.kind == ChoiceKind::Option)
        .count()
        > 0;
    let mut content = json!({
        "contentHeader": {"id": format!("{}-header", step.step_id), "innerHtml": step.header.clone().unwrap_or_default()},
        "contentSections": [{
            "id": format!("{}-section", step.step_id),
            "sectionLabel": "",
            "sectionGroupType": if single { "SINGLE" } else { "MULTIPLE" },
            "sectionNumberOfColumns": 0,
            "sectionChoices": step.choices.iter().map(|c| render_choice(c, step)).collect::<Vec<_>>(),
        }],
    });
    if let Some(footer) = &step.footer {
        content["contentFooter"] =
            json!({"id": format!("{}-footer", step.step_id), "innerHtml": footer});
    }
    json!({
        "pageId": step.step_id,
        "pageNavigation": {
            "navigationTitle": step.title.clone().unwrap_or_default(),
            "navigationRight": button("Next", "server://navigationType?type=NEXT&shouldSendFormData=true"),
            "navigationLeft": button("Back", "server://navigationType?type=PREVIOUS&shouldSendFormData=false"),
        },
        "pageContent": content,
        "timestamp": step.timestamp,
    })
}

/// Every page the customer went through, in order.
pub fn full_flow(rec: &Interaction) -> Value {
    Value::Array(rec.flow_steps.iter().map(render_page).collect())
}

/// Markup reduced to its text: tags dropped, the common entities decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The customer's answer to a choice, if they gave one.
fn answer(choice: &Choice, step: &FlowStep) -> Option<String> {
    match choice.kind {
        ChoiceKind::TextInput => choice.input.clone().filter(|i| !i.is_empty()),
        ChoiceKind::UploadImageList => (!step.photos.is_empty()).then(|| {
            step.photos
                .iter()
                .map(|p| p.path.clone().unwrap_or_else(|| p.content_id.clone()))
                .collect::<Vec<_>>()
                .join(",")
        }),
        ChoiceKind::ClickToContinue => None,
        _ => choice.selected.then(|| {
            choice
                .label
                .clone()
                .or_else(|| choice.value.clone())
                .unwrap_or_default()
        }),
    }
}

/// Only the pages with customer input, and on them only what the customer chose or entered.
pub fn summary(rec: &Interaction) -> Value {
    let pages: Vec<Value> = rec
        .flow_steps
        .iter()
        .filter_map(|step| {
            let questions: Vec<Value> = step
                .choices
                .iter()
                .filter_map(|choice| {
                    let answer = answer(choice, step)?;
                    Some(json!({
                        "answer": answer,
                        "referenceName": choice.id,
                        "label": choice.label.clone().unwrap_or_default(),
                        "header": step.header.as_deref().map(plain_text).unwrap_or_default(),
                        "footer": step.footer.as_deref().map(plain_text).unwrap_or_default(),
                    }))
                })
                .collect();
            (!questions.is_empty()).then(|| {
                json!({"pageTitle": step.title.clone().unwrap_or_default(), "pageId": step.step_id, "timestamp": step.timestamp, "questions": questions})
            })
        })
        .collect();
    Value::Array(pages)
}

/// A variable set as X-Platform returns it; `None` when the interaction has no such set.
pub fn variable_set(rec: &Interaction, set: &str) -> Option<Value> {
    let variables = rec.variable_sets.get(set)?;
    Some(json!({"voice": {"data": variables}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_plain_text() {
        assert_eq!(
            plain_text("<span style=\"x\">Choose&nbsp;your <b>plan</b></span> &amp; go"),
            "Choose your plan & go"
        );
        assert_eq!(plain_text("<img src='a.png'/>"), "");
    }
}
