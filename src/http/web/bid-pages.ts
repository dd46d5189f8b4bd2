// A bid in pages, the GOV.UK way: a task list of the form's sections, a page for each section's
// questions, check your answers, and a confirmation once it is sent. Anyone of the organisation works
// on it until it is sent (a part-finished bid is picked up from its task list); sending it needs the
// permission to submit bids. The answers are checked by the one validator (application-answers.ts).
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { questionsSchema, sectionStatus } from '../../domain/application-answers.ts';
import type { ApplicationQuestion } from '../../domain/application-form.ts';
import {
  attachToBid,
  type BidApplication,
  bidApplication,
  saveBidAnswers,
  sendingProblems,
  submitBid,
} from '../../domain/bid-application.ts';
import { ACCEPTED_IN_WORDS } from '../../domain/documents/file-kinds.ts';
import type { DocumentSettings } from '../../domain/documents/upload.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, notFound, ProblemError } from '../../engine/errors.ts';
import { answerSections, sizeInWords } from './bid-answers.ts';
import { payloadToForm } from './form-answers.ts';
import { readForm } from './form-read.ts';
import { buildForm } from './forms.ts';
import { readPageUpload } from './page-upload.ts';
import { requireSignIn, webActor } from './session.ts';

/** The questions a section's page asks in its form: all but files, which have pages of their own. */
const typed = (questions: readonly ApplicationQuestion[]) => questions.filter((q) => q.type !== 'file');

const STATUS_TEXT = {
  completed: 'Completed',
  inProgress: 'In progress',
  notStarted: 'Not yet started',
} as const;

export function bidPagesRouter(deps: { db: Database; engine: Engine; documents: DocumentSettings }): Router {
  const router = Router();
  const { db, engine, documents } = deps;
  const base = (application: BidApplication) => `/cases/${encodeURIComponent(application.view.id)}/bid`;

  const applicationOf = (res: Response, id: string) => bidApplication(db, engine, webActor(res), id);

  router.get('/cases/:id/bid', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    if (!application.mayChange) return res.redirect(303, `/cases/${encodeURIComponent(application.view.id)}`);
    const tasks = application.form.sections
      .filter((s) => s.questions.length)
      .map((section) => {
        const status = sectionStatus(section, application.spec.payload, application.answers);
        return {
          title: { text: section.title },
          href: `${base(application)}/sections/${section.id}`,
          status:
            status === 'completed'
              ? { text: STATUS_TEXT.completed }
              : {
                  tag: {
                    text: STATUS_TEXT[status],
                    classes: status === 'inProgress' ? 'govuk-tag--light-blue' : 'govuk-tag--blue',
                  },
                },
        };
      });
    const done = tasks.filter((t) => t.status.text === STATUS_TEXT.completed).length;
    res.render('bid-tasks.njk', {
      title: `Your bid: ${application.view.title}`,
      caseView: application.view,
      tasks,
      done,
      ready: done === tasks.length,
      checkHref: `${base(application)}/check`,
    });
  });

  async function renderSection(
    res: Response,
    application: BidApplication,
    sectionId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const section = application.form.sections.find((s) => s.id === sectionId);
    if (!section?.questions.length) throw notFound('section');
    const schema = questionsSchema(typed(section.questions), application.spec.payload);
    const values = state.values ?? payloadToForm(schema, application.answers);
    const form = buildForm(schema, { values, errors: state.errors });
    // A file question is answered on a page of its own: here, the file given so far and the way there.
    const files = section.questions
      .filter((q) => q.type === 'file')
      .map((q) => {
        const id = application.answers[q.id];
        const file = typeof id === 'string' ? application.files[id] : undefined;
        return {
          title: q.title,
          hint: q.hint,
          optional: q.type === 'file' && !q.required,
          file: file && {
            name: file.name,
            size: sizeInWords(file.sizeBytes),
            href: `/documents/${encodeURIComponent(id as string)}`,
          },
          href: `${base(application)}/files/${q.id}`,
        };
      });
    res.status(state.status ?? 200).render('bid-section.njk', {
      title: section.title,
      caseView: application.view,
      section,
      files,
      fields: form.fields,
      errors: form.errorList,
      action: `${base(application)}/sections/${section.id}`,
      back: base(application),
    });
  }

  router.get('/cases/:id/bid/sections/:section', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    if (!application.mayChange) return res.redirect(303, `/cases/${encodeURIComponent(application.view.id)}`);
    await renderSection(res, application, String(req.params.section));
  });

  router.post('/cases/:id/bid/sections/:section', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    const section = application.form.sections.find((s) => s.id === String(req.params.section));
    if (!section) throw notFound('section');
    const read = readForm(questionsSchema(typed(section.questions), application.spec.payload), req.body);
    if (read.add) return renderSection(res, application, section.id, { values: read.values });
    // What was answered well is saved even when other answers are wrong, so nothing typed is lost
    // and the section shows as in progress; a question left empty clears what was saved before.
    const wrong = new Set(read.errors.map((e) => e.field.split('.')[0]));
    const answers = Object.fromEntries(
      typed(section.questions)
        .filter((q) => !wrong.has(q.id))
        .map((q) => [q.id, read.payload[q.id] ?? null]),
    );
    let errors = read.errors;
    try {
      await saveBidAnswers(db, engine, webActor(res), application.view.id, { answers });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      errors = [
        ...errors,
        ...((error.extensions.errors as FieldError[] | undefined) ?? []).map((e) => ({
          ...e,
          field: e.field.replace(/^answers\./, ''),
        })),
      ];
    }
    if (errors.length)
      return renderSection(res, application, section.id, { status: 422, values: read.values, errors });
    res.redirect(303, base(application));
  });

  async function renderCheck(
    res: Response,
    application: BidApplication,
    status = 200,
    sendErrors?: FieldError[],
  ) {
    const problems = sendErrors ?? sendingProblems(application);
    const sectionOf = new Map(
      application.form.sections.flatMap((s) => s.questions.map((q) => [q.id, s.id] as const)),
    );
    const errors = problems.map((p) => {
      const question = p.field.replace(/^answers\./, '').split('.')[0]!;
      const section = sectionOf.get(question);
      return { text: p.message, href: section ? `${base(application)}/sections/${section}` : '#send' };
    });
    res.status(status).render('bid-check.njk', {
      title: 'Check your answers before sending your bid',
      caseView: application.view,
      sections: answerSections(application).map((section) => ({
        ...section,
        // Eligibility was answered before the bid started: shown, not changed here.
        changeHref: section.id === 'eligibility' ? undefined : `${base(application)}/sections/${section.id}`,
      })),
      errors,
      maySend: application.maySend,
      sendAction: `${base(application)}/send`,
      back: base(application),
    });
  }

  router.get('/cases/:id/bid/check', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    if (!application.mayChange) return res.redirect(303, `/cases/${encodeURIComponent(application.view.id)}`);
    await renderCheck(res, application);
  });

  router.post('/cases/:id/bid/send', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const application = await applicationOf(res, String(req.params.id));
    try {
      await submitBid(db, engine, actor, application.view.id);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [
        { field: '(body)', message: error.detail },
      ];
      return renderCheck(res, application, 422, fields);
    }
    res.redirect(303, `${base(application)}/sent`);
  });

  // ---- A file question: its own page, a multipart form ----
  function fileQuestion(application: BidApplication, questionId: string) {
    for (const section of application.form.sections)
      for (const question of section.questions)
        if (question.id === questionId && question.type === 'file') return { section, question };
    throw notFound('question');
  }

  function renderFile(
    res: Response,
    application: BidApplication,
    questionId: string,
    status = 200,
    error?: string,
  ) {
    const { section, question } = fileQuestion(application, questionId);
    const id = application.answers[question.id];
    const current = typeof id === 'string' ? application.files[id] : undefined;
    res.status(status).render('bid-file.njk', {
      title: question.title,
      caseView: application.view,
      question,
      current: current && { name: current.name, size: sizeInWords(current.sizeBytes) },
      hint: [question.hint, `It must be ${ACCEPTED_IN_WORDS}, ${sizeInWords(documents.maxBytes)} or smaller.`]
        .filter(Boolean)
        .join(' '),
      error: error && { text: error },
      errors: error ? [{ text: error, href: '#file' }] : [],
      action: `${base(application)}/files/${question.id}`,
      back: `${base(application)}/sections/${section.id}`,
    });
  }

  router.get('/cases/:id/bid/files/:question', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    if (!application.mayChange) return res.redirect(303, `/cases/${encodeURIComponent(application.view.id)}`);
    renderFile(res, application, String(req.params.question));
  });

  router.post('/cases/:id/bid/files/:question', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const questionId = String(req.params.question);
    const application = await applicationOf(res, String(req.params.id));
    const { section } = fileQuestion(application, questionId);
    const upload = await readPageUpload(req, res, {
      onFile: (file) => attachToBid(db, engine, documents, actor, application.view.id, questionId, file),
    });
    if (!upload.ok)
      return renderFile(
        res,
        application,
        questionId,
        upload.status,
        upload.errors.map((e) => e.message).join('. '),
      );
    res.redirect(303, `${base(application)}/sections/${section.id}`);
  });

  router.get('/cases/:id/bid/sent', requireSignIn, async (req, res) => {
    const application = await applicationOf(res, String(req.params.id));
    if (!application.sent) return res.redirect(303, base(application));
    res.render('bid-sent.njk', { title: 'Bid sent', caseView: application.view });
  });

  return router;
}
