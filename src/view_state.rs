//! The view the page's address holds, so that reloading or sharing a link reopens it: which
//! network (or the Concepts or Compare page) is open, and on the Compare page the two networks;
//! and, beside them, what the open page's panels are showing (the Inception module and step, the
//! kernel comparison, the photo lab's layer and picked unit), which a new view drops. The
//! language (`lang`) is kept across views. Weights and photos stay in the reader's browser.
//! Other parameters of the address (`backend`, `bench`) are kept as they are.

/// What the address says about the view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    /// The picker's entry: a network's id, `concepts` or `compare` (None: the default page).
    pub view: Option<String>,
    /// The two networks of the Compare page.
    pub a: Option<String>,
    pub b: Option<String>,
}

/// The keys this module owns in the address: the view's, then the panels' (dropped when the view
/// changes).
const KEYS: [&str; 10] = [
    "view", "a", "b", "module", "step", "kernel", "c", "h", "layer", "unit",
];

/// A panel's value in the address `query`, if it is a clean identifier or number.
pub fn param(query: &str, key: &str) -> Option<String> {
    pairs(query)
        .into_iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| clean(&v))
}

/// `query` with a panel's `key` set to `value` (or removed), the other parameters in order.
pub fn with_param(query: &str, key: &str, value: Option<&str>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for (k, v) in pairs(query) {
        if k == key {
            if let (Some(value), false) = (value, done) {
                out.push(format!("{k}={value}"));
                done = true;
            }
            continue;
        }
        out.push(if v.is_empty() { k } else { format!("{k}={v}") });
    }
    if let (Some(value), false) = (value, done) {
        out.push(format!("{key}={value}"));
    }
    if out.is_empty() {
        String::new()
    } else {
        format!("?{}", out.join("&"))
    }
}

/// A value as it may stand in the address: the zoo's ids are letters, digits and `_`, a layer's
/// name adds `.` (`features.3`), as does a unit (`12.3.4`); anything else is not a view.
fn clean(v: &str) -> Option<String> {
    (!v.is_empty()
        && v.len() <= 60
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))
    .then(|| v.to_string())
}

fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

impl ViewState {
    /// Reads the view from an address's query (`?view=resnet18&backend=cpu`).
    pub fn from_query(query: &str) -> ViewState {
        let mut s = ViewState::default();
        for (k, v) in pairs(query) {
            match k.as_str() {
                "view" => s.view = clean(&v),
                "a" => s.a = clean(&v),
                "b" => s.b = clean(&v),
                _ => {}
            }
        }
        s
    }

    /// The query of `current` with this view written into it (other parameters kept in order).
    pub fn to_query(&self, current: &str) -> String {
        let mut out: Vec<String> = pairs(current)
            .into_iter()
            .filter(|(k, _)| !KEYS.contains(&k.as_str()))
            .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
            .collect();
        let compare = self.view.as_deref() == Some("compare");
        for (k, v) in [
            ("view", self.view.as_ref()),
            ("a", self.a.as_ref().filter(|_| compare)),
            ("b", self.b.as_ref().filter(|_| compare)),
        ] {
            if let Some(v) = v {
                out.push(format!("{k}={v}"));
            }
        }
        if out.is_empty() {
            String::new()
        } else {
            format!("?{}", out.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_survives_the_round_trip_and_other_parameters_stay() {
        let v = ViewState {
            view: Some("compare".into()),
            a: Some("resnet50".into()),
            b: Some("densenet121".into()),
        };
        let q = v.to_query("?backend=cpu&view=lenet5&bench");
        assert_eq!(
            q,
            "?backend=cpu&bench&view=compare&a=resnet50&b=densenet121"
        );
        assert_eq!(ViewState::from_query(&q), v);
        let net = ViewState {
            view: Some("vgg16_bn".into()),
            ..Default::default()
        };
        // The Compare page's pair is not written for another view.
        let q = ViewState {
            a: Some("x".into()),
            ..net.clone()
        }
        .to_query("");
        assert_eq!(q, "?view=vgg16_bn");
        assert_eq!(ViewState::from_query(&q), net);
        assert_eq!(ViewState::default().to_query("?view=alexnet"), "");
    }

    #[test]
    fn panel_values_are_set_in_place_and_dropped_with_the_view() {
        let q = with_param("?view=googlenet", "module", Some("inception4a"));
        let q = with_param(&q, "step", Some("3"));
        assert_eq!(q, "?view=googlenet&module=inception4a&step=3");
        assert_eq!(
            with_param(&q, "module", Some("inception5b")),
            "?view=googlenet&module=inception5b&step=3"
        );
        assert_eq!(param(&q, "step").as_deref(), Some("3"));
        assert_eq!(
            with_param(&q, "step", None),
            "?view=googlenet&module=inception4a"
        );
        // Another view starts without the panels' values.
        let next = ViewState {
            view: Some("vgg16".into()),
            ..Default::default()
        };
        assert_eq!(next.to_query(&q), "?view=vgg16");
    }

    #[test]
    fn the_photo_labs_layer_and_unit_read_back_and_go_with_the_view() {
        let q = with_param(
            "?view=squeezenet1_1&lang=zh",
            "layer",
            Some("features.3.expand3x3"),
        );
        let q = with_param(&q, "unit", Some("5.10.12"));
        assert_eq!(
            q,
            "?view=squeezenet1_1&lang=zh&layer=features.3.expand3x3&unit=5.10.12"
        );
        assert_eq!(param(&q, "layer").as_deref(), Some("features.3.expand3x3"));
        assert_eq!(param(&q, "unit").as_deref(), Some("5.10.12"));
        // Another network drops them; the language stays.
        let next = ViewState {
            view: Some("resnet18".into()),
            ..Default::default()
        };
        assert_eq!(next.to_query(&q), "?lang=zh&view=resnet18");
        assert_eq!(param("?layer=a%2Fb", "layer"), None);
    }

    #[test]
    fn what_is_not_an_id_is_not_a_view() {
        let s = ViewState::from_query("?view=%3Cscript%3E&a=resnet18&b=");
        assert_eq!(s.view, None);
        assert_eq!(s.a.as_deref(), Some("resnet18"));
        assert_eq!(s.b, None);
    }
}
