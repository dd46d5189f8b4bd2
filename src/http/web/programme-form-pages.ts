// An officer builds a programme's application form in pages: sections, questions (the cycle's own
// reworded, never removed), and eligibility questions. Each page changes one part and saves the whole
// form through the one domain service, which makes a new version once a bid has started on the latest.
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Db } from '../../db/client.ts';
import {
  type ApplicationForm,
  type ApplicationQuestion,
  type FormSection,
  nextId,
  questionTypes,
} from '../../domain/application-form.ts';
import { changeForm, type ProgrammeForm, programmeForm } from '../../domain/programme-form.ts';
import { maySetUp } from '../../domain/programme-settings.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, notFound, ProblemError } from '../../engine/errors.ts';
import { readForm } from './form-read.ts';
import { buildForm } from './forms.ts';
import {
  cycleQuestionForm,
  eligibilityForm,
  ownQuestionForm,
  questionValues,
  readQuestion,
  sectionForm,
} from './programme-form-fields.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const staffOnly = onlyFor(['officer', 'admin', 'approver', 'panel', 'finance'], 'staff');
const setters = onlyFor(['officer', 'admin'], 'commissioning officers and admins');

/** One small form of the builder, as its page asks it. */
interface Part {
  heading: string;
  schema: z.ZodObject;
  values: Record<string, unknown>;
  action: string;
  button: string;
}

export function programmeFormPagesRouter(deps: { db: Db; engine: Engine; clock: Clock }): Router {
  const router = Router();
  const { db, engine, clock } = deps;
  const formOf = (req: Request) => programmeForm(db, engine.registry, String(req.params.id));
  const home = (found: ProgrammeForm) => `/programmes/${encodeURIComponent(found.programme.id)}/form`;

  router.get('/programmes/:id/form', requireSignIn, staffOnly, async (req, res) => {
    const found = await formOf(req);
    const may = maySetUp(webActor(res));
    res.render('programme-form.njk', {
      title: `Application form: ${found.programme.name}`,
      programme: { id: found.programme.id, name: found.programme.name },
      version: found.version,
      inUse: found.inUse,
      maySetUp: may,
      done: typeof req.query.done === 'string' ? req.query.done : undefined,
      sections: found.form.sections.map((section) => ({
        ...section,
        removable: !section.questions.some((q) => q.type === 'cycle'),
        questions: section.questions.map((q) => ({
          id: q.id,
          title: q.title,
          hint: q.hint,
          kind:
            q.type === 'cycle'
              ? 'Needed by the cycle’s rules: you can reword it but not remove it'
              : `${questionTypes[q.type]}${q.wordLimit ? ` (up to ${q.wordLimit} words)` : ''}${q.choices ? `: ${q.choices.join(', ')}` : ''}`,
          required: q.type === 'cycle' || q.required,
          own: q.type !== 'cycle',
        })),
      })),
      eligibility: found.form.eligibility,
    });
  });

  /** Saves the changed form and goes back to it; on a refusal, the page shows the domain's words. */
  async function save(
    res: Response,
    found: ProgrammeForm,
    form: ApplicationForm,
    done: string,
    onError: (errors: FieldError[]) => Promise<void>,
  ) {
    try {
      await changeForm(db, engine.registry, webActor(res), found.programme.id, form, clock.now());
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      // The document's paths (sections.0.questions.3.choices) land on the page's field of that name.
      const errors = ((error.extensions.errors as FieldError[] | undefined) ?? []).map((e) => ({
        ...e,
        field: e.field.split('.').at(-1) ?? e.field,
      }));
      return onError(errors);
    }
    res.redirect(303, `${home(found)}?done=${done}`);
  }

  /** One small form of the builder: its questions, what was typed or is on record, and its errors. */
  function renderPart(
    res: Response,
    found: ProgrammeForm,
    part: Part,
    state: { status?: number; errors?: FieldError[] } = {},
  ) {
    const form = buildForm(part.schema, { values: part.values, errors: state.errors });
    res.status(state.status ?? 200).render('programme-form-part.njk', {
      title: part.heading,
      heading: part.heading,
      programme: { id: found.programme.id, name: found.programme.name },
      fields: form.fields,
      errors: form.errorList,
      action: part.action,
      button: part.button,
      back: home(found),
    });
  }

  const sectionOr404 = (found: ProgrammeForm, id: string) => {
    const section = found.form.sections.find((s) => s.id === id);
    if (!section) throw notFound('section');
    return section;
  };
  const questionAt = (found: ProgrammeForm, id: string) => {
    for (const [s, section] of found.form.sections.entries()) {
      const q = section.questions.findIndex((question) => question.id === id);
      if (q >= 0) return { s, q, question: section.questions[q]! };
    }
    throw notFound('question');
  };

  /**
   * A builder page of one small form at `/programmes/:id/form/<kind>/<id or new>`: GET shows it (what is
   * on record, or nothing for a new one); POST reads it, changes a copy of the form with `apply` and
   * saves it, or shows the form again with every problem and what was typed.
   */
  function smallFormPage(
    kind: 'sections' | 'eligibility',
    partOf: (found: ProgrammeForm, id: string | undefined) => Part,
    apply: (form: ApplicationForm, given: Record<string, unknown>, id: string | undefined) => string,
  ) {
    const path = `/programmes/:id/form/${kind}/:part`;
    const idOf = (raw: unknown) => (String(raw) === 'new' ? undefined : String(raw));
    router.get(path, requireSignIn, setters, async (req, res) => {
      const found = await formOf(req);
      renderPart(res, found, partOf(found, idOf(req.params.part)));
    });
    router.post(path, requireSignIn, setters, async (req, res) => {
      const found = await formOf(req);
      const id = idOf(req.params.part);
      const part = partOf(found, id);
      const read = readForm(part.schema, req.body);
      const fail = (errors: FieldError[]) =>
        Promise.resolve(renderPart(res, found, { ...part, values: read.values }, { status: 422, errors }));
      if (read.errors.length) return fail(read.errors);
      const form = structuredClone(found.form);
      const done = apply(form, read.payload, id);
      await save(res, found, form, done, fail);
    });
  }

  // ---- Sections ----
  const sectionPart = (found: ProgrammeForm, sectionId?: string) => ({
    heading: sectionId ? 'Rename the section' : 'Add a section',
    schema: sectionForm,
    values: sectionId ? { title: sectionOr404(found, sectionId).title } : {},
    action: `${home(found)}/sections/${sectionId ?? 'new'}`,
    button: sectionId ? 'Save the section' : 'Add the section',
  });

  smallFormPage('sections', sectionPart, (form, given, id) => {
    const { title } = given as z.output<typeof sectionForm>;
    if (id === undefined) form.sections.push({ id: nextId(form, 's'), title, questions: [] });
    else form.sections.find((s) => s.id === id)!.title = title;
    return 'section';
  });

  router.post('/programmes/:id/form/sections/:section/remove', requireSignIn, setters, async (req, res) => {
    const found = await formOf(req);
    const section = sectionOr404(found, String(req.params.section));
    const form = structuredClone(found.form);
    form.sections = form.sections.filter((s) => s.id !== section.id);
    await save(res, found, form, 'removed', async (errors) => {
      throw new ProblemError(422, 'The section cannot be removed', errors.map((e) => e.message).join('. '));
    });
  });

  // ---- Questions ----
  /** The page adding a question to a section: the officer's own kinds only. */
  const newQuestionPart = (
    found: ProgrammeForm,
    section: FormSection,
    values: Record<string, unknown>,
  ): Part => ({
    heading: `Add a question to “${section.title}”`,
    schema: ownQuestionForm,
    values,
    action: `${home(found)}/sections/${section.id}/questions/new`,
    button: 'Add the question',
  });
  /** The page changing a question: the officer's own in full, the cycle's in its words only. */
  const questionPart = (
    found: ProgrammeForm,
    question: ApplicationQuestion,
    values: Record<string, unknown>,
  ): Part => ({
    heading: question.type === 'cycle' ? 'Reword the question' : 'Change the question',
    schema: question.type === 'cycle' ? cycleQuestionForm : ownQuestionForm,
    values,
    action: `${home(found)}/questions/${question.id}`,
    button: 'Save the question',
  });

  router.get(
    '/programmes/:id/form/sections/:section/questions/new',
    requireSignIn,
    setters,
    async (req, res) => {
      const found = await formOf(req);
      const section = sectionOr404(found, String(req.params.section));
      renderPart(res, found, newQuestionPart(found, section, { required: 'yes' }));
    },
  );

  router.get('/programmes/:id/form/questions/:question', requireSignIn, setters, async (req, res) => {
    const found = await formOf(req);
    const { question } = questionAt(found, String(req.params.question));
    renderPart(res, found, questionPart(found, question, questionValues(question)));
  });

  router.post(
    '/programmes/:id/form/sections/:section/questions/new',
    requireSignIn,
    setters,
    async (req, res) => {
      const found = await formOf(req);
      const section = sectionOr404(found, String(req.params.section));
      const { read, own } = readQuestion(req.body, false);
      const part = newQuestionPart(found, section, read.values);
      const fail = (errors: FieldError[]) =>
        Promise.resolve(renderPart(res, found, part, { status: 422, errors }));
      if (read.errors.length) return fail(read.errors);
      const form = structuredClone(found.form);
      form.sections.find((s) => s.id === section.id)!.questions.push({ id: nextId(form, 'q'), ...own! });
      await save(res, found, form, 'question', fail);
    },
  );

  router.post('/programmes/:id/form/questions/:question', requireSignIn, setters, async (req, res) => {
    const found = await formOf(req);
    const { s, q, question } = questionAt(found, String(req.params.question));
    const cycle = question.type === 'cycle';
    const { read, words, own } = readQuestion(req.body, cycle);
    const part = questionPart(found, question, read.values);
    const fail = (errors: FieldError[]) =>
      Promise.resolve(renderPart(res, found, part, { status: 422, errors }));
    if (read.errors.length) return fail(read.errors);
    const form = structuredClone(found.form);
    form.sections[s]!.questions[q] = cycle
      ? { id: question.id, type: 'cycle', ...words }
      : { id: question.id, ...own! };
    await save(res, found, form, 'question', fail);
  });

  router.post('/programmes/:id/form/questions/:question/:move', requireSignIn, setters, async (req, res) => {
    const found = await formOf(req);
    const { s, q, question } = questionAt(found, String(req.params.question));
    const move = String(req.params.move);
    const form = structuredClone(found.form);
    const questions = form.sections[s]!.questions;
    if (move === 'remove') {
      if (question.type === 'cycle')
        throw new ProblemError(
          409,
          'The question is needed',
          'The cycle’s rules need this question: it can be reworded, not removed.',
        );
      questions.splice(q, 1);
    } else if (move === 'up' || move === 'down') {
      const to = move === 'up' ? q - 1 : q + 1;
      if (to >= 0 && to < questions.length) [questions[q], questions[to]] = [questions[to]!, questions[q]!];
    } else throw notFound('page');
    await save(res, found, form, move === 'remove' ? 'removed' : 'moved', async (errors) => {
      throw new ProblemError(422, 'The form cannot change that way', errors.map((e) => e.message).join('. '));
    });
  });

  // ---- Eligibility questions ----
  const eligibilityPart = (found: ProgrammeForm, id?: string) => {
    const question = id ? found.form.eligibility.find((e) => e.id === id) : undefined;
    if (id && !question) throw notFound('eligibility question');
    return {
      heading: question ? 'Change the eligibility question' : 'Add an eligibility question',
      schema: eligibilityForm,
      values: question
        ? {
            question: question.question,
            ineligibleAnswer: question.ineligibleAnswer,
            explanation: question.explanation,
          }
        : {},
      action: `${home(found)}/eligibility/${id ?? 'new'}`,
      button: question ? 'Save the question' : 'Add the question',
    };
  };

  smallFormPage('eligibility', eligibilityPart, (form, given, id) => {
    const question = given as z.output<typeof eligibilityForm>;
    if (id === undefined) form.eligibility.push({ id: nextId(form, 'e'), ...question });
    else form.eligibility = form.eligibility.map((e) => (e.id === id ? { id, ...question } : e));
    return 'eligibility';
  });

  router.post(
    '/programmes/:id/form/eligibility/:question/remove',
    requireSignIn,
    setters,
    async (req, res) => {
      const found = await formOf(req);
      const form = structuredClone(found.form);
      form.eligibility = form.eligibility.filter((e) => e.id !== String(req.params.question));
      await save(res, found, form, 'removed', async () => undefined);
    },
  );

  return router;
}
