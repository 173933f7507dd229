//! What every list query shares: ORDER BY from the closed set of sort keys, and paging.

use einvoice_domain::ports::{Direction, PageRequest, SortKey};
use sqlx::{Postgres, QueryBuilder};

/// Appends ` ORDER BY ...` for `sort` (or `default` ascending when empty), always
/// ending with `id ASC` so that pages are stable. Only the `column` names of the sort
/// enum reach the SQL, never caller text. Text columns sort in their declared
/// `COLLATE "C"` (code point order).
pub(crate) fn push_order_by<F: Copy>(
    builder: &mut QueryBuilder<'_, Postgres>,
    sort: &[SortKey<F>],
    default: F,
    column: impl Fn(F) -> &'static str,
) {
    let default = [SortKey {
        field: default,
        direction: Direction::Ascending,
    }];
    let keys = if sort.is_empty() { &default[..] } else { sort };
    builder.push(" ORDER BY ");
    for key in keys {
        builder.push(column(key.field)).push(match key.direction {
            Direction::Ascending => " ASC, ",
            Direction::Descending => " DESC, ",
        });
    }
    builder.push("id ASC");
}

/// Appends ` LIMIT $n OFFSET $m` for `page`.
pub(crate) fn push_page(builder: &mut QueryBuilder<'_, Postgres>, page: PageRequest) {
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    builder
        .push(" LIMIT ")
        .push_bind(i64::from(page.size()))
        .push(" OFFSET ")
        .push_bind(offset);
}

/// A total read back from `COUNT(*)`.
pub(crate) fn total(count: i64) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

impl crate::PgStore {
    /// Reads one page of a list and the total of its filter in one snapshot, and converts
    /// the rows to domain values.
    pub(crate) async fn read_page<Row, T>(
        &self,
        mut count: sqlx::QueryBuilder<'_, Postgres>,
        mut page: sqlx::QueryBuilder<'_, Postgres>,
    ) -> Result<einvoice_domain::ports::Page<T>, einvoice_domain::ports::StoreError>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
        T: TryFrom<Row, Error = einvoice_domain::ports::StoreError>,
    {
        let mut transaction = self.read().await?;
        let result = async {
            let total_count: i64 = count
                .build_query_scalar()
                .fetch_one(&mut *transaction)
                .await
                .map_err(crate::error::store_error)?;
            let rows: Vec<Row> = page
                .build_query_as()
                .fetch_all(&mut *transaction)
                .await
                .map_err(crate::error::store_error)?;
            Ok((total_count, rows))
        }
        .await;
        let (total_count, rows) = crate::finish(transaction, result).await?;
        let items = rows
            .into_iter()
            .map(T::try_from)
            .collect::<Result<_, _>>()?;
        Ok(einvoice_domain::ports::Page {
            items,
            total: total(total_count),
        })
    }
}
