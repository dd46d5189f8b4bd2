// Registering an organisation and its first person: the same answer whether or not the address
// already has an account (that address is told by email). The person confirms the address by the
// link emailed to it, on the set-password page (account-pages.ts).
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { legalForms, register, registrationForm } from '../../domain/registration.ts';
import type { Clock } from '../../engine/clock.ts';
import { text } from './form-answers.ts';

export function registerPagesRouter(deps: { db: Database; clock: Clock; publicUrl: string }): Router {
  const router = Router();
  // Registering an organisation and its first person: the same answer whether or not the address
  // already has an account (that address is told by email).
  const registerPage = (res: Response, status: number, view: Record<string, unknown>) => {
    const values = (view.values ?? {}) as Record<string, string>;
    res.status(status).render('register.njk', {
      title: 'Register your organisation',
      fieldErrors: {},
      legalFormItems: Object.entries(legalForms).map(([value, label]) => ({
        value,
        text: label,
        checked: values.legalForm === value,
      })),
      ...view,
      values,
    });
  };
  router.get('/register', (_req, res) => registerPage(res, 200, {}));
  router.post('/register', async (req: Request, res: Response) => {
    // The form's questions are the schema's fields, in its order.
    const fields = Object.keys(registrationForm.shape);
    const values = Object.fromEntries(fields.map((f) => [f, text(req.body?.[f])]));
    const form = registrationForm.safeParse(values);
    if (!form.success) {
      // The first problem of each field, in the form's order.
      const problems = new Map<string, string>();
      for (const issue of form.error.issues) {
        const field = String(issue.path[0]);
        if (!problems.has(field)) problems.set(field, issue.message);
      }
      const ordered = fields.filter((f) => problems.has(f));
      return registerPage(res, 422, {
        values,
        errors: ordered.map((f) => ({ text: problems.get(f)!, href: `#${f}` })),
        fieldErrors: Object.fromEntries(ordered.map((f) => [f, { text: problems.get(f)! }])),
      });
    }
    try {
      await register(deps.db, form.data, deps.clock.now(), deps.publicUrl);
    } catch (error) {
      // The same address registered twice at once: the other one made the account.
      if (!isUniqueViolation(error)) throw error;
    }
    registerPage(res, 200, { title: 'Check your email', sent: true, email: form.data.email });
  });

  return router;
}
