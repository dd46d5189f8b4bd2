// The pages a GOV.UK service must have, for anyone, signed in or not: the accessibility statement,
// the privacy notice and the cookies this service sets.
import { Router } from 'express';
import type { RetentionSettings } from '../../domain/retention.ts';

const pages = {
  '/accessibility': { view: 'about/accessibility.njk', title: 'Accessibility statement' },
  '/privacy': { view: 'about/privacy.njk', title: 'Privacy notice' },
  '/cookies': { view: 'about/cookies.njk', title: 'Cookies' },
} as const;

export function aboutPagesRouter(deps: {
  contactEmail: string;
  sessionHours: number;
  retention: RetentionSettings;
}): Router {
  const router = Router();
  for (const [path, page] of Object.entries(pages))
    router.get(path, (_req, res) => {
      res.render(page.view, { title: page.title, ...deps });
    });
  return router;
}
