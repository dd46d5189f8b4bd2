// Pages for panel members (bids to declare on and score), approvers (decisions awaiting their
// signature) and finance (every fund's position, and the payments waiting, in sum). The rules live in
// src/domain/panel.ts, src/domain/fund-position.ts and the engine; these handlers parse, call, render.

import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import { financialYearOf } from '../../domain/financial-year.ts';
import { allFundPositions } from '../../domain/fund-position.ts';
import { declareInterest, MAX_SCORE, panelScoresOf, panelWork, scoreBid } from '../../domain/panel.ts';
import { financePaymentsSummary } from '../../domain/payment-lists.ts';
import type { Actor } from '../../engine/actor.ts';
import { caseEvents } from '../../engine/case-officer.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { eventSpec } from '../../engine/rulebook.ts';
import { summaryFor } from '../../engine/view-policy.ts';
import type { CaseView } from '../../engine/views.ts';
import { bidAnswerSections } from './bid-answers.ts';
import { detailRows } from './case-details.ts';
import {
  conflictAlreadyDeclared,
  declarationErrors,
  declarationView,
  fieldOf,
  type PageError,
  readDeclaration,
} from './declaration-form.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

type Criterion = { id: string; label: string; weight: number };
interface Deps {
  db: Database;
  engine: Engine;
}

/** "Awaiting signature: Approve a grant" for a case whose decision waits for an approver. */
function heldLabel(engine: Engine, view: CaseView): string | undefined {
  if (view.decision?.status !== 'awaitingSignature') return undefined;
  const definition = engine.registry.get(view.machine, view.machineVersion);
  const label = definition ? eventSpec(definition, view.decision.event)?.label : undefined;
  return `Awaiting signature: ${label ?? view.decision.event}`;
}

/** Cases waiting for this person, each with its title, amount and what they may do. */
async function waitingWork(engine: Engine, actor: Actor) {
  const { items } = await engine.waiting(actor, 100);
  const views = await Promise.all(items.map((item) => engine.get(actor, item.id).catch(() => undefined)));
  return views
    .filter((v): v is CaseView => v !== undefined)
    .map((view) => ({
      id: view.id,
      reference: view.reference,
      title: view.title,
      cycle: view.machine,
      stateLabel: heldLabel(engine, view) ?? view.stateLabel,
      // A decision awaiting signature is not in the context yet: its amount is the one to sign.
      amountPence:
        view.decision?.status === 'awaitingSignature'
          ? (view.decision.amountPence ?? view.amountPence)
          : view.amountPence,
      // What the list is for; handing the case to another officer is on the case page.
      actions: view.nextEvents.filter((e) => !Object.hasOwn(caseEvents, e.type)).map((e) => e.label),
      updatedAt: view.updatedAt,
    }));
}

/** Bids for this member to declare on and score, newest first, with their progress on each. */
async function panelBids(deps: Deps, actor: Actor) {
  const work = await panelWork(deps.db, actor, deps.engine.registry);
  return work.map(({ row, declared, scoredVersion }) => {
    const definition = deps.engine.registry.get(row.machineId, row.machineVersion)!;
    const bid = summaryFor(actor, row, definition);
    return {
      id: bid.id,
      reference: bid.reference,
      cycle: definition.title,
      stateLabel: bid.stateLabel,
      title: bid.title,
      amountPence: bid.amountPence,
      declared,
      scoredVersion,
    };
  });
}

/** One member's view of a bid: the case, its criteria, their declaration and their own scores. */
async function panelBid(deps: Deps, actor: Actor, id: string) {
  // First: a member with a conflict no longer sees the bid (404), before the case is read.
  const mine = await panelScoresOf(deps.db, actor, id, deps.engine.registry);
  const view = await deps.engine.get(actor, id);
  const definition = deps.engine.registry.get(view.machine, view.machineVersion)!;
  const organisation = await findOrganisation(deps.db, view.organisationId);
  return {
    view,
    mine: mine as {
      criteria: Criterion[];
      declaration: { conflicted: boolean; at: string } | null;
      scores: {
        scores: Record<string, number>;
        comment: string | null;
        version: number;
        weightedTotal: number;
        at: string;
      } | null;
    },
    cycleTitle: definition.title,
    organisationName: organisation?.name ?? 'Unknown organisation',
    title: view.title,
    details: detailRows(view.context, definition),
    answers: await bidAnswerSections(deps.db, deps.engine, actor, view),
    open: (definition.panelScoringStates ?? []).includes(view.state),
  };
}

interface Failed {
  form: 'declaration' | 'scores';
  values: Record<string, string>;
  errors: { href: string; text: string }[];
}

export function rolePagesRouter(deps: Deps): Router {
  const router = Router();
  const panelOnly = onlyFor('panel', 'panel members');

  router.get('/panel', requireSignIn, panelOnly, async (req, res) => {
    const bids = await panelBids(deps, webActor(res));
    res.render('panel.njk', {
      title: 'Bids for the panel',
      bids,
      conflictDeclared: req.query.done === 'conflict',
    });
  });

  async function renderBid(
    res: Response,
    id: string,
    state: { status?: number; failed?: Failed; notice?: string; done?: unknown },
  ) {
    const bid = await panelBid(deps, webActor(res), id);
    const { criteria, scores, declaration } = bid.mine;
    const failed = state.failed;
    const values = (form: Failed['form']) => (failed?.form === form ? failed.values : undefined);
    const errorFor = (form: Failed['form'], href: string) =>
      failed?.form === form ? failed.errors.find((e) => e.href === href)?.text : undefined;
    const scoreValues = values('scores');
    const declarationValues = values('declaration');
    res.status(state.status ?? 200).render('panel-bid.njk', {
      title: `${bid.view.reference}: ${bid.title}`,
      caseTitle: bid.title,
      kase: bid.view,
      cycleTitle: bid.cycleTitle,
      organisationName: bid.organisationName,
      details: bid.details,
      answers: bid.answers,
      open: bid.open,
      maxScore: MAX_SCORE,
      declaration,
      scores,
      declaring: declarationView(
        `/panel/bids/${encodeURIComponent(id)}/declaration`,
        'Do you have a conflict of interest in this bid?',
        {
          conflicted: declarationValues?.conflicted ?? (declaration ? 'no' : ''),
          reason: declarationValues?.reason ?? '',
        },
        failed?.form === 'declaration' ? failed.errors : [],
      ),
      criteria: criteria.map((c) => ({
        ...c,
        inputId: `score-${c.id}`,
        value: scoreValues ? (scoreValues[`score-${c.id}`] ?? '') : (scores?.scores[c.id]?.toString() ?? ''),
        error: errorFor('scores', `#score-${c.id}`),
      })),
      commentValue: scoreValues ? (scoreValues.comment ?? '') : (scores?.comment ?? ''),
      commentError: errorFor('scores', '#comment'),
      errors: failed?.errors ?? [],
      notice: state.notice,
      done:
        state.done === 'declared'
          ? 'You declared that you have no conflict of interest in this bid.'
          : state.done === 'scored'
            ? 'Your scores were saved.'
            : undefined,
    });
  }

  router.get('/panel/bids/:id', requireSignIn, panelOnly, async (req, res) => {
    await renderBid(res, String(req.params.id), { done: req.query.done });
  });

  /** A domain refusal: 422 back to the form with its errors, 409 as a notice, anything else as it is. */
  async function refused(
    res: Response,
    id: string,
    error: unknown,
    failed: (errors: FieldError[]) => Failed,
  ) {
    if (!(error instanceof ProblemError)) throw error;
    if (error.status === 422) {
      const errors = (error.extensions.errors as FieldError[] | undefined) ?? [
        { field: '(body)', message: error.detail },
      ];
      return renderBid(res, id, { status: 422, failed: failed(errors) });
    }
    if (error.status === 409) {
      const detail =
        error.title === 'Declare any conflict of interest first'
          ? 'Say whether you have a conflict of interest in this bid before you score it.'
          : error.detail;
      return renderBid(res, id, { status: 409, notice: `${detail} Nothing you sent was saved.` });
    }
    throw error;
  }

  router.post('/panel/bids/:id/declaration', requireSignIn, panelOnly, async (req, res) => {
    const id = String(req.params.id);
    const read = readDeclaration((req.body ?? {}) as Record<string, unknown>);
    const failed = (errors: PageError[]): Failed => ({
      form: 'declaration',
      values: { ...read.values },
      errors,
    });
    if (!read.declaration) return renderBid(res, id, { status: 422, failed: failed(read.errors) });
    const declaration = read.declaration;
    try {
      await deps.db.transaction((tx) =>
        declareInterest(tx, webActor(res), id, declaration, deps.engine.registry),
      );
    } catch (error) {
      if (await conflictAlreadyDeclared(deps.db, webActor(res), id, declaration, error))
        return res.redirect(303, '/panel?done=conflict');
      return refused(res, id, error, (errors) => failed(declarationErrors(errors)));
    }
    if (declaration.conflicted) return res.redirect(303, '/panel?done=conflict');
    res.redirect(303, `/panel/bids/${encodeURIComponent(id)}?done=declared`);
  });

  router.post('/panel/bids/:id/scores', requireSignIn, panelOnly, async (req, res) => {
    const id = String(req.params.id);
    const actor = webActor(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { criteria } = (await panelScoresOf(deps.db, actor, id, deps.engine.registry)) as {
      criteria: Criterion[];
    };
    const values: Record<string, string> = { comment: fieldOf(body, 'comment') };
    const scores: Record<string, unknown> = {};
    for (const c of criteria) {
      const raw = fieldOf(body, `score-${c.id}`).trim();
      values[`score-${c.id}`] = raw;
      // Numbers go to the domain as numbers; anything else as typed, for the domain to refuse.
      if (raw !== '') scores[c.id] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    }
    const comment = values.comment!.trim();
    try {
      await deps.db.transaction((tx) =>
        scoreBid(tx, actor, id, { scores, ...(comment ? { comment } : {}) }, deps.engine.registry),
      );
    } catch (error) {
      return refused(res, id, error, (errors) => ({
        form: 'scores',
        values,
        errors: errors.map((e) => {
          const criterion = criteria.find((c) => e.field === `scores.${c.id}`);
          if (criterion) return { href: `#score-${criterion.id}`, text: `${criterion.label}: ${e.message}` };
          if (e.field === 'comment') return { href: '#comment', text: e.message };
          return { href: `#score-${criteria[0]?.id ?? ''}`, text: e.message };
        }),
      }));
    }
    res.redirect(303, `/panel/bids/${encodeURIComponent(id)}?done=scored`);
  });

  router.get('/approvals', requireSignIn, onlyFor('approver', 'approvers'), async (_req, res) => {
    const decisions = await waitingWork(deps.engine, webActor(res));
    res.render('approvals.njk', { title: 'Decisions awaiting your signature', decisions });
  });

  router.get('/finance', requireSignIn, onlyFor('finance', 'finance staff'), async (_req, res) => {
    const [funds, payments] = await Promise.all([
      allFundPositions(deps.db),
      financePaymentsSummary(deps.db, deps.engine.registry),
    ]);
    // This year's funds (and any still open from past years) in full; later years' in a table.
    const thisYear = financialYearOf(deps.engine.now().today);
    res.render('finance.njk', {
      title: 'Funds and payments',
      funds: funds.filter((f) => f.financialYear <= thisYear),
      laterFunds: funds.filter((f) => f.financialYear > thisYear),
      payments,
    });
  });

  return router;
}
