// The case page: what the case is, what happened to it, what this person may do now (each action a
// link to its own page, case-action-pages.ts, rendered here too), and where it is in its machine.
// Works without JavaScript.

import { type Request, type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { type DraftFields, draftsFor } from '../../db/queries/form-drafts.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import { peopleByIds } from '../../db/queries/people.ts';
import { findProgramme } from '../../db/queries/programmes.ts';
import { awardMoneyByYear } from '../../domain/award-years.ts';
import { applicationOfCase } from '../../domain/bid-application.ts';
import { caseMessagesFor } from '../../domain/case-messages.ts';
import { caseNotesFor } from '../../domain/case-notes.ts';
import { declareInterest, moderatorView, standingOf } from '../../domain/panel.ts';
import { quorumNote } from '../../domain/panel-rules.ts';
import { officersOnRecord } from '../../domain/people.ts';
import { suppliersFor } from '../../domain/suppliers.ts';
import { REASSIGN_CASE } from '../../engine/case-officer.ts';
import { comingUp } from '../../engine/coming-up.ts';
import { fieldsWithWidget } from '../../engine/describe.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, integrity, ProblemError } from '../../engine/errors.ts';
import { eventSpec, rulebookEvents } from '../../engine/rulebook.ts';
import { exchangesMessages, keepsCaseNotes } from '../../engine/view-policy.ts';
import type { CaseView } from '../../engine/views.ts';
import { bidView } from './bid-answers.ts';
import { decisionPanel, detailRows, historyAnswers, whatHappened } from './case-details.ts';
import { caseFiles } from './case-files.ts';
import { withQuorum, withSigningNote } from './case-form-notes.ts';
import { actionForms, actionLink, type Failed, SAVED_MESSAGE, savedForLater } from './case-forms.ts';
import { withWritten } from './case-timeline.ts';
import {
  conflictAlreadyDeclared,
  type DeclarationValues,
  declarationErrors,
  declarationView,
  type PageError,
  readDeclaration,
} from './declaration-form.ts';
import { machineDiagram } from './diagram.ts';
import { letterBefore, lettersOfCase } from './letters.ts';
import { readsProgrammes } from './programme-pages.ts';
import { relatedCases } from './related-cases.ts';
import { requireSignIn, webActor } from './session.ts';

export const STALE_MESSAGE =
  'Someone else changed this case while you were looking at it. Check the case below; nothing you sent was saved.';

/** The latest messages shown in their own section; every one is in the history. */
const MESSAGES_SHOWN = 5;

interface PageState {
  status?: number;
  failed?: Failed;
  /** A plain message at the top (a stale form, an action no longer possible). */
  notice?: string;
  done?: unknown;
  /** The event whose form was just saved to come back to. */
  saved?: unknown;
  /** The decision just made and held for an approver's signature. */
  held?: unknown;
  /** The declaration of interest as typed, when it was refused. */
  declaring?: { values: DeclarationValues; errors: PageError[] };
  /** The one action whose page this is; the case page itself when absent. */
  action?: string;
}

/** The case page's renderer: the case itself, or one of its actions on a page of its own. */
export function caseRenderer(deps: { db: Db; engine: Engine }) {
  const definitionOf = (view: CaseView) => {
    const definition = deps.engine.registry.get(view.machine, view.machineVersion);
    if (!definition) throw integrity(`${view.machine}@${view.machineVersion} is not registered.`);
    return definition;
  };

  async function render(res: Response, view: CaseView, state: PageState) {
    const actor = webActor(res);
    const definition = definitionOf(view);
    // An action's page needs the forms and what they say, not the rest of the case page.
    const onCase = state.action === undefined;
    const [history, organisation, programme, drafts, standing, suppliers, money, related, notes, messages] =
      await Promise.all([
        deps.engine.history(actor, view),
        findOrganisation(deps.db, view.organisationId),
        view.programmeId ? findProgramme(deps.db, view.programmeId) : undefined,
        actor.userId
          ? draftsFor(deps.db, view.id, actor.userId, actor.role === 'provider')
          : new Map<string, DraftFields>(),
        standingOf(deps.db, actor, view),
        suppliersFor(deps.db, definition),
        // Which year's budget holds the award's money is the Commissioner's own accounting.
        actor.role === 'provider' || !onCase ? [] : awardMoneyByYear(deps.db, view.id),
        onCase ? relatedCases(deps.engine, actor, view) : undefined,
        onCase ? caseNotesFor(deps.db, actor, view.id) : [],
        onCase ? caseMessagesFor(deps.db, actor, view.id) : [],
      ]);

    const panel = onCase
      ? await moderatorView(deps.db, actor, view, definition, standing, programme)
      : undefined;
    const [application, upcoming, files] = await Promise.all([
      applicationOfCase(deps.db, deps.engine, actor, view, history),
      onCase ? comingUp(deps.db, definition, view.id) : [],
      onCase ? caseFiles(deps.db, actor, view, definition, deps.engine.now().today) : {},
    ]);
    // Everyone the page names: who did what, the case officer, and the officers chosen in the history.
    const chosen = history.flatMap((h) => {
      const spec = eventSpec(definition, h.type);
      const payload = (h.payload ?? {}) as Record<string, unknown>;
      return spec ? fieldsWithWidget(spec.payload, 'officer').map((field) => payload[field]) : [];
    });
    const ids = [
      ...new Set(
        [...history.map((h) => h.actor.id), view.officerId, ...chosen].filter(
          (id): id is string => typeof id === 'string',
        ),
      ),
    ];
    const reassigns = view.nextEvents.some((e) => e.type === REASSIGN_CASE);
    const [people, officers] = await Promise.all([
      peopleByIds(deps.db, ids),
      reassigns ? officersOnRecord(deps.db) : [],
    ]);
    const names = {
      organisations: new Map(suppliers.map((o) => [o.id, o.name])),
      people: new Map(people.map((p) => [p.id, p.name])),
    };
    const timeline = history.map((entry) => {
      const person = people.find((p) => p.id === entry.actor.id);
      return {
        who: person
          ? `${person.name} (${person.role})`
          : entry.actor.role === 'panel'
            ? 'The panel'
            : entry.actor.id
              ? `Someone (${entry.actor.role})`
              : 'The system',
        what: whatHappened(definition, entry),
        said: historyAnswers(definition, entry, view.context, names),
        stage: definition.states[entry.toState]?.label ?? entry.toState,
        at: entry.at,
      };
    });

    // The case officer cannot be given the case again: the other officers are offered.
    const others = officers.filter((o) => o.id !== view.officerId);
    // The case page links to each action's own page: only that page needs the form's fields.
    const built = actionForms(
      definition,
      view,
      state.failed,
      drafts,
      { suppliers, officers: others },
      (type) => type === state.action,
    );
    // Decisions and signatures wait until this person has declared no conflict of interest.
    const decides = (type: string) =>
      !!eventSpec(definition, type)?.decision || Object.hasOwn(rulebookEvents, type);
    // Someone with a conflict of interest takes no part in the case at all; someone who has not
    // declared yet may do all but decide.
    const barred = standing?.status === 'conflicted' || standing?.status === 'ownOrganisation';
    const blocked =
      barred || (standing && standing.status !== 'clear' && built.forms.some((f) => decides(f.type)));
    // A bid's application is answered on its own pages (bid-pages.ts), not as one form here; but
    // what someone typed into it here (a form they sent from an older page, or saved) is never hidden.
    const typedHere = (type: string) => state.failed?.type === type || drafts.has(type);
    const offered = built.forms.filter((f) => f.type !== application?.type || typedHere(f.type));
    const shown = barred ? [] : blocked ? offered.filter((f) => !decides(f.type)) : offered;
    // A form that closes the panel's scoring says where the bid stands against the quorum.
    const closing = shown.some((f) => eventSpec(definition, f.type)?.closesScoring);
    const quorum = closing ? await quorumNote(deps.db, view, programme) : undefined;
    const forms = shown.map((f) =>
      withSigningNote(withQuorum(f, definition, quorum), definition, programme, view),
    );
    const errors = [...built.errors, ...(state.declaring?.errors ?? [])];
    if (state.action !== undefined) {
      const form = forms.find((f) => f.type === state.action);
      if (form)
        return res.status(state.status ?? 200).render('case-action.njk', {
          title: form.label,
          kase: view,
          caseTitle: view.title,
          organisationName: organisation?.name ?? 'Unknown organisation',
          details: detailRows(view.context, definition),
          decision: decisionPanel(definition, view, people),
          letter: letterBefore(definition, form.type, view.context),
          form,
          errors,
        });
      // The bid is answered section by section on its own pages.
      if (state.action === application?.type)
        return res.redirect(303, `/cases/${encodeURIComponent(view.id)}/bid`);
      // Waiting for this person's declaration of interest: the case page asks it.
      if (blocked && built.forms.some((f) => f.type === state.action && decides(f.type)))
        return res.redirect(303, `/cases/${encodeURIComponent(view.id)}#declaration`);
      const label = eventSpec(definition, state.action)?.label ?? 'That';
      return render(res, view, {
        status: 409,
        notice: `“${label}” is not something you can do on this case now (it is at the stage “${view.stateLabel}”).`,
      });
    }
    const interest = blocked
      ? {
          standing,
          // What waits for the declaration, so the person knows why those forms are not shown yet.
          waiting: built.forms.filter((f) => decides(f.type)).map((f) => f.label),
          form: declarationView(
            `/cases/${encodeURIComponent(view.id)}/declaration`,
            'Do you have a conflict of interest in this case?',
            state.declaring?.values ?? { conflicted: '', reason: '' },
            state.declaring?.errors ?? [],
          ),
        }
      : undefined;

    const done = typeof state.done === 'string' ? eventSpec(definition, state.done)?.label : undefined;
    const heldLabel = typeof state.held === 'string' ? eventSpec(definition, state.held)?.label : undefined;
    const notice =
      state.notice ??
      (heldLabel
        ? `Your decision (“${heldLabel}”) now waits for an approver’s signature. Nothing takes effect until it is signed.`
        : undefined);
    const saved =
      typeof state.saved === 'string' && eventSpec(definition, state.saved) ? SAVED_MESSAGE : undefined;
    const later = savedForLater(
      definition,
      drafts,
      shown.map((f) => f.type),
    );
    res.status(state.status ?? 200).render('case.njk', {
      title: view.title ? `${view.reference}: ${view.title}` : view.reference,
      caseTitle: view.title,
      kase: view,
      cycleTitle: definition.title,
      organisationName: organisation?.name ?? 'Unknown organisation',
      programmeName: programme?.name,
      // Staff who read programmes go to its page; providers read the case alone.
      programmeLink: programme && readsProgrammes(actor) ? `/programmes/${programme.id}` : undefined,
      caseOfficer: (view.officerId && names.people.get(view.officerId)) || 'Not yet taken on by an officer',
      details: detailRows(view.context, definition),
      bid: application && bidView(application),
      upcoming,
      ...files,
      documentAdded: state.done === 'document',
      money,
      related,
      decision: decisionPanel(definition, view, people),
      later,
      interest,
      panel,
      declared: state.done === 'declared',
      actions: forms.map(actionLink(view, drafts)),
      errors,
      notice,
      done,
      saved,
      diagram: machineDiagram(definition, view.state),
      letters: lettersOfCase(definition, view, history),
      timeline: withWritten(timeline, {
        notes,
        messages,
        organisationName: organisation?.name ?? 'the organisation',
      }),
      messages: exchangesMessages(actor) ? messages.slice(-MESSAGES_SHOWN).reverse() : undefined,
      messageCount: messages.length,
      messageSent: state.done === 'message',
      notes: keepsCaseNotes(actor) ? notes.slice(-3).reverse() : undefined,
      noteCount: notes.length,
      noteAdded: state.done === 'note',
    });
  }

  return { definitionOf, render };
}

export function caseRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { render } = caseRenderer(deps);

  router.get('/cases/:id', requireSignIn, async (req: Request, res: Response) => {
    const view = await deps.engine.get(webActor(res), String(req.params.id));
    await render(res, view, { done: req.query.done, saved: req.query.saved, held: req.query.held });
  });

  router.post('/cases/:id/declaration', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    const id = String(req.params.id);
    const read = readDeclaration((req.body ?? {}) as Record<string, unknown>);
    const again = async (errors: PageError[]) =>
      render(res, await deps.engine.get(actor, id), {
        status: 422,
        declaring: { values: read.values, errors },
      });
    if (!read.declaration) return again(read.errors);
    const declaration = read.declaration;
    // A panel member with a conflict no longer sees the case: back to the panel's list.
    const panelConflict = actor.role === 'panel' && declaration.conflicted;
    try {
      await deps.db.transaction((tx) => declareInterest(tx, actor, id, declaration, deps.engine.registry));
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      if (await conflictAlreadyDeclared(deps.db, actor, id, declaration, error))
        return res.redirect(303, '/panel?done=conflict');
      if (error.status === 422)
        return again(declarationErrors((error.extensions.errors as FieldError[]) ?? []));
      const current = await deps.engine.get(actor, id);
      if (error.status === 409)
        return render(res, current, { status: 409, notice: `${error.detail} Nothing you sent was saved.` });
      throw error;
    }
    if (panelConflict) return res.redirect(303, '/panel?done=conflict');
    res.redirect(303, `/cases/${encodeURIComponent(id)}?done=declared`);
  });

  return router;
}
