//! The engine behind the server's [`Backend`](crate::backend::Backend) trait.

use super::{Engine, Outcome, RequestContext};
use crate::backend;
use ringbolt_driver::protocol::request::{Batch, Execute, Prepare, Query};

fn with_ctx<F>(ctx: &mut backend::RequestContext<'_>, f: F) -> backend::Outcome
where
    F: FnOnce(&mut RequestContext<'_>) -> Outcome,
{
    let mut engine_ctx = RequestContext {
        coordinator: ctx.coordinator,
        cluster: ctx.cluster,
        version: ctx.version,
        keyspace: &mut *ctx.keyspace,
        stats: ctx.stats,
    };
    let o = f(&mut engine_ctx);
    backend::Outcome {
        result: o.result,
        warnings: o.warnings,
        schema_change: o.schema_change,
    }
}

impl backend::Backend for Engine {
    fn query(&self, ctx: &mut backend::RequestContext<'_>, q: &Query) -> backend::Outcome {
        with_ctx(ctx, |c| Engine::query(self, c, q))
    }

    fn prepare(&self, ctx: &mut backend::RequestContext<'_>, p: &Prepare) -> backend::Outcome {
        with_ctx(ctx, |c| Engine::prepare(self, c, p))
    }

    fn execute(&self, ctx: &mut backend::RequestContext<'_>, e: &Execute) -> backend::Outcome {
        with_ctx(ctx, |c| Engine::execute(self, c, e))
    }

    fn batch(&self, ctx: &mut backend::RequestContext<'_>, b: &Batch) -> backend::Outcome {
        with_ctx(ctx, |c| Engine::batch(self, c, b))
    }
}
