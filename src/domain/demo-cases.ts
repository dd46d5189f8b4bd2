// A few Youth Fund cases at different stages, so a fresh install has work to look at.
import type { Database } from '../db/client.ts';
import { findUserByEmail } from '../db/queries/people.ts';
import type { Engine } from '../engine/engine.ts';
import { actorOf } from './people.ts';

type Step = { by: string; event: Record<string, unknown> };

const submit = (title: string, summary: string, amountRequestedPence: number): Step => ({
  by: 'provider',
  event: { type: 'SUBMIT', title, summary, amountRequestedPence },
});

const stories: { provider: string; title: string; steps: Step[] }[] = [
  { provider: 'provider@demo.test', title: 'Friday night football', steps: [] },
  {
    provider: 'provider@demo.test',
    title: 'Detached youth work in Wisbech',
    steps: [
      submit(
        'Detached youth work in Wisbech',
        'Two youth workers on the streets three evenings a week',
        480000,
      ),
    ],
  },
  {
    provider: 'provider2@demo.test',
    title: 'Boxing club bursaries',
    steps: [
      submit('Boxing club bursaries', 'Free membership for 25 young people referred by schools', 300000),
      { by: 'officer@demo.test', event: { type: 'CONFIRM_ELIGIBLE' } },
    ],
  },
  {
    provider: 'provider2@demo.test',
    title: 'Summer music workshops',
    steps: [
      submit('Summer music workshops', 'Six weeks of workshops ending in a public concert', 250000),
      { by: 'officer@demo.test', event: { type: 'CONFIRM_ELIGIBLE' } },
      { by: 'panel@demo.test', event: { type: 'APPROVE', amountPence: 220000, reportDueOn: '2027-03-31' } },
    ],
  },
];

export async function seedDemoCases(db: Database, engine: Engine): Promise<void> {
  const actor = async (email: string) => {
    const user = await findUserByEmail(db, email);
    if (!user) throw new Error(`Demo user ${email} is missing`);
    return actorOf(user);
  };
  for (const story of stories) {
    const owner = await actor(story.provider);
    const created = await engine.create(owner, { machine: 'youth-fund', input: { title: story.title } });
    for (const step of story.steps) {
      await engine.send(step.by === 'provider' ? owner : await actor(step.by), created.id, step.event);
    }
  }
}
