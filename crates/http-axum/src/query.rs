//! List parameters (`page[number]`, `page[size]`, `sort`, `filter[...]`) and the
//! pagination `links` and `meta` of seed 000.

use axum::http::{StatusCode, Uri};
use einvoice_domain::ports::{Direction, ListQuery, Page, PageRequest, SortKey};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::error::{ApiError, Source};

/// Characters escaped in query components (everything but RFC 3986 unreserved).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The raw query parameters, in order.
#[derive(Debug, Clone, Default)]
pub struct RawQuery(pub Vec<(String, String)>);

impl RawQuery {
    /// Parses the query string of `uri`.
    pub fn from_uri(uri: &Uri) -> Result<Self, ApiError> {
        let query = uri.query().unwrap_or_default();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("the query string is malformed: {error}"),
                None,
            )
        })?;
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// One problem with a query parameter, for [`ApiError::many`] with 400.
pub(crate) fn parameter_problem(
    parameter: &str,
    code: &str,
    detail: impl Into<String>,
) -> (String, String, Option<Source>) {
    (
        code.to_owned(),
        detail.into(),
        Some(Source::Parameter(parameter.to_owned())),
    )
}

/// How one resource's lists may be sorted and filtered.
#[derive(Debug)]
pub struct ListSpec<F: 'static> {
    /// `sort` names and the fields they mean.
    pub sort_fields: &'static [(&'static str, F)],
    /// Accepted `filter[...]` names.
    pub filters: &'static [&'static str],
}

/// A parsed list request, with the filter values still as text for the resource to parse.
#[derive(Debug, Clone)]
pub struct ListParams<F> {
    /// Page.
    pub page: PageRequest,
    /// Sort keys.
    pub sort: Vec<SortKey<F>>,
    /// `filter[name]` values by name.
    pub filters: Vec<(&'static str, String)>,
}

impl<F> ListParams<F> {
    /// The filter value named `name`, if given.
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The store query with `filter`.
    pub fn into_query<Filter>(self, filter: Filter) -> ListQuery<F, Filter> {
        ListQuery {
            page: self.page,
            sort: self.sort,
            filter,
        }
    }
}

/// Parses the list parameters; unknown parameters, sort fields and filters are 400s
/// that name the parameter.
pub fn parse_list<F: Copy>(
    query: &RawQuery,
    spec: &ListSpec<F>,
) -> Result<ListParams<F>, ApiError> {
    let mut problems = Vec::new();
    let number = match query.get("page[number]") {
        None => 1,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .unwrap_or_else(|| {
                problems.push(parameter_problem(
                    "page[number]",
                    "invalid_page",
                    "page[number] must be a whole number from 1",
                ));
                1
            }),
    };
    let size = match query.get("page[size]") {
        None => PageRequest::DEFAULT_SIZE,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=PageRequest::MAX_SIZE).contains(n))
            .unwrap_or_else(|| {
                problems.push(parameter_problem(
                    "page[size]",
                    "invalid_page_size",
                    format!(
                        "page[size] must be a whole number from 1 to {}",
                        PageRequest::MAX_SIZE
                    ),
                ));
                PageRequest::DEFAULT_SIZE
            }),
    };
    let mut sort = Vec::new();
    if let Some(text) = query.get("sort") {
        for item in text.split(',') {
            let (direction, name) = match item.strip_prefix('-') {
                Some(name) => (Direction::Descending, name),
                None => (Direction::Ascending, item),
            };
            if let Some((_, field)) = spec.sort_fields.iter().find(|(known, _)| *known == name) {
                sort.push(SortKey {
                    field: *field,
                    direction,
                });
            } else {
                let known: Vec<&str> = spec.sort_fields.iter().map(|(known, _)| *known).collect();
                problems.push(parameter_problem(
                    "sort",
                    "invalid_sort",
                    format!(
                        "cannot sort by `{name}`; sortable fields: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    let mut filters = Vec::new();
    for (key, value) in &query.0 {
        if matches!(key.as_str(), "page[number]" | "page[size]" | "sort") {
            continue;
        }
        let name = key
            .strip_prefix("filter[")
            .and_then(|rest| rest.strip_suffix(']'));
        match name.and_then(|name| spec.filters.iter().find(|known| **known == name)) {
            Some(known) => filters.push((*known, value.clone())),
            None => problems.push(parameter_problem(
                key,
                "unknown_parameter",
                format!("unknown query parameter `{key}`"),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::many(StatusCode::BAD_REQUEST, problems));
    }
    let page = PageRequest::new(number, size).expect("page bounds checked above");
    Ok(ListParams {
        page,
        sort,
        filters,
    })
}

/// Seed 000's pagination links.
#[derive(Debug, Serialize)]
pub struct Links {
    first: String,
    last: String,
    next: Option<String>,
    prev: Option<String>,
    #[serde(rename = "self")]
    this: String,
}

/// Seed 000's pagination meta.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    page: u32,
    size: u32,
    total_elements: u64,
    total_pages: u64,
}

/// Builds the links and meta of `page` for the request `uri`, keeping its other
/// parameters (sort, filters) in every link.
pub fn page_links<T>(
    base_url: &str,
    uri: &Uri,
    query: &RawQuery,
    request: PageRequest,
    page: &Page<T>,
) -> (Links, PageMeta) {
    let size = u64::from(request.size());
    let total_pages = page.total.div_ceil(size);
    let last = total_pages.max(1);
    let current = u64::from(request.number());
    let kept: Vec<String> = query
        .0
        .iter()
        .filter(|(key, _)| key != "page[number]" && key != "page[size]")
        .map(|(key, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(key, COMPONENT),
                utf8_percent_encode(value, COMPONENT)
            )
        })
        .collect();
    let link = |number: u64| {
        let mut parameters = vec![
            format!(
                "{}={number}",
                utf8_percent_encode("page[number]", COMPONENT)
            ),
            format!("{}={size}", utf8_percent_encode("page[size]", COMPONENT)),
        ];
        parameters.extend(kept.iter().cloned());
        format!("{base_url}{}?{}", uri.path(), parameters.join("&"))
    };
    let links = Links {
        first: link(1),
        last: link(last),
        next: (current < total_pages).then(|| link(current + 1)),
        prev: (current > 1).then(|| link((current - 1).min(last))),
        this: link(current),
    };
    let meta = PageMeta {
        page: request.number(),
        size: request.size(),
        total_elements: page.total,
        total_pages,
    };
    (links, meta)
}
