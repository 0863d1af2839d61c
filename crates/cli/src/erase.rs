//! `interlog erase`: erase one customer on request, and list the receipts.

use anyhow::Context;
use clap::Parser;
use interlog_core::{CustomerId, TenantId, Timestamp};

use crate::common::{parse_tenant, DataArgs, DatabaseArgs};

/// Erase a customer (GDPR Art. 17 and its equivalents): every interaction whose customer is
/// this id (or address), and those known only by an address their records give the
/// customer, with their events, transcripts, notes, content, search entries and report
/// contributions, in one transaction; then the files are scrubbed. Prints the receipt,
/// which names no customer. With --list, prints the tenant's receipts instead.
#[derive(Debug, Parser)]
pub struct Args {
    /// The tenant.
    #[arg(long, value_parser = parse_tenant, value_name = "TENANT")]
    tenant: TenantId,

    /// The customer's id (or their address, for interactions that carry no id).
    #[arg(long, value_name = "ID", required_unless_present = "list")]
    customer: Option<String>,

    /// List the tenant's erasure receipts, newest first, instead of erasing.
    #[arg(long, conflicts_with = "customer")]
    list: bool,

    /// Who asks, for the receipt (default: `cli:` and the operating-system user).
    #[arg(long, value_name = "NAME")]
    by: Option<String>,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.database.open(&args.data.data_dir).await?;
    let receipts = match args.customer {
        Some(customer) => {
            let customer =
                CustomerId::parse(customer).map_err(|e| anyhow::anyhow!("--customer: {e}"))?;
            let by = args
                .by
                .unwrap_or_else(|| format!("cli:{}", std::env::var("USER").unwrap_or_default()));
            let receipt = (store
                .erase_customer(&args.tenant, customer.as_str(), &by)
                .await)
                .context("cannot erase")?;
            vec![receipt]
        }
        None => (store.erasure_receipts(&args.tenant).await).context("cannot list receipts")?,
    };
    println!(
        "receipt                               erased at                 interactions  events  by"
    );
    for r in receipts {
        let at = Timestamp::from_millis(r.erased_ms).format(3);
        println!(
            "{:<37} {at:<25} {:>12}  {:>6}  {}",
            r.receipt_id, r.interactions, r.events, r.by
        );
    }
    Ok(())
}
