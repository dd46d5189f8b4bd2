// Writing on a case in one's own words, each on a page of its own: an internal note (staff only,
// never shown to the provider) or a message between the office and the organisation.
import { randomUUID } from 'node:crypto';
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { sendCaseMessage } from '../../domain/case-messages.ts';
import { addCaseNote } from '../../domain/case-notes.ts';
import { WRITING_MAX_LENGTH } from '../../domain/case-writing.ts';
import { organisationName } from '../../domain/organisations.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden } from '../../engine/errors.ts';
import { exchangesMessages, keepsCaseNotes } from '../../engine/view-policy.ts';
import type { CaseView } from '../../engine/views.ts';
import { requireSignIn, webActor } from './session.ts';

/** What a writing page says, for the person and the case in front of it. */
interface Words {
  heading: string;
  intro: string;
  label: string;
  hint: string;
  button: string;
  buttonId: string;
}

interface Writing {
  path: string;
  /** The case page's banner and place once it is kept. */
  done: string;
  may: (actor: Actor) => boolean;
  refusal: string;
  words: (actor: Actor, organisationName: string) => Words;
  keep: (
    deps: Deps,
    actor: Actor,
    caseId: string,
    fields: { body: string; sendKey: string },
  ) => Promise<FieldError[]>;
}

interface Deps {
  db: Database;
  engine: Engine;
  publicUrl: string;
}

const note: Writing = {
  path: 'notes',
  done: 'note#case-notes',
  may: keepsCaseNotes,
  refusal: 'Only the Commissioner’s staff keep notes on a case.',
  words: () => ({
    heading: 'Add a note',
    intro:
      'Notes are for the Commissioner’s staff: the organisation never sees them. A note cannot be changed once added; to correct one, add another.',
    label: 'Note',
    hint: 'For example, what was said on a call with the organisation, or something to follow up',
    button: 'Add the note',
    buttonId: 'add-note',
  }),
  keep: (deps, actor, caseId, fields) => addCaseNote(deps.db, deps.engine, actor, caseId, fields.body),
};

const message: Writing = {
  path: 'messages',
  done: 'message#case-messages',
  may: exchangesMessages,
  refusal: 'Only the Commissioner’s staff and the organisation the case is for send messages on it.',
  words: (actor, organisationName) =>
    actor.role === 'provider'
      ? {
          heading: 'Send a message to the Commissioner’s office',
          intro:
            'Your case officer is emailed that there is a message, and reads it here. Everyone in your organisation who works on the case can read it, and the reply. A message cannot be changed once sent.',
          label: 'Message',
          hint: 'For example, a question about your grant, or news the office should know',
          button: 'Send the message',
          buttonId: 'send-message',
        }
      : {
          heading: `Send a message to ${organisationName}`,
          intro: `The people at ${organisationName} who receive the service’s emails are told there is a message, and read it and reply here. A message cannot be changed once sent. For something only staff should see, add an internal note instead.`,
          label: 'Message',
          hint: 'For example, a question about their return, or what they need to send next',
          button: 'Send the message',
          buttonId: 'send-message',
        },
  keep: (deps, actor, caseId, fields) =>
    sendCaseMessage(deps.db, deps.engine, actor, caseId, fields, deps.publicUrl),
};

export function caseWritingPagesRouter(deps: Deps): Router {
  const router = Router();

  async function render(
    res: Response,
    writing: Writing,
    view: CaseView,
    state: { status?: number; body?: string; sendKey?: string; errors?: FieldError[] },
  ) {
    const name = await organisationName(deps.db, view.organisationId);
    const words = writing.words(webActor(res), name ?? 'the organisation');
    const message = state.errors?.[0]?.message;
    res.status(state.status ?? 200).render('case-writing.njk', {
      title: `${words.heading}: ${view.reference}`,
      caseView: view,
      words,
      action: `/cases/${encodeURIComponent(view.id)}/${writing.path}/new`,
      body: state.body ?? '',
      sendKey: state.sendKey ?? randomUUID(),
      maxLength: WRITING_MAX_LENGTH,
      bodyError: message && { text: message },
      errors: message ? [{ text: message, href: '#body' }] : [],
    });
  }

  for (const writing of [note, message]) {
    router.get(`/cases/:id/${writing.path}/new`, requireSignIn, async (req, res) => {
      const actor = webActor(res);
      const view = await deps.engine.get(actor, String(req.params.id));
      if (!writing.may(actor)) throw forbidden(writing.refusal);
      await render(res, writing, view, {});
    });

    router.post(`/cases/:id/${writing.path}/new`, requireSignIn, async (req, res) => {
      const actor = webActor(res);
      const id = String(req.params.id);
      const fields = {
        body: typeof req.body?.body === 'string' ? req.body.body : '',
        sendKey: typeof req.body?.sendKey === 'string' ? req.body.sendKey : '',
      };
      const errors = await writing.keep(deps, actor, id, fields);
      if (errors.length)
        return render(res, writing, await deps.engine.get(actor, id), { status: 422, ...fields, errors });
      res.redirect(303, `/cases/${encodeURIComponent(id)}?done=${writing.done}`);
    });
  }

  return router;
}
