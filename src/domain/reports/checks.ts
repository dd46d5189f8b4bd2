// The reconciliation's checks: each states an invariant in words and says whether it holds, and if
// not, where (the first few places).
import { differences, type Figures, sumFigures } from './figures.ts';
import type { Check, FundLine, ThemeLine } from './reconciliation.ts';

const MAX_FAILURES = 20;
function check(id: string, statement: string, failures: string[]): Check {
  return { id, statement, holds: failures.length === 0, failures: failures.slice(0, MAX_FAILURES) };
}
const differ = (what: string, a: Figures, b: Figures) => {
  const names = differences(a, b);
  return names.length ? [`${what}: ${names.join(', ')}`] : [];
};

export function reconciliationChecks(
  funds: readonly FundLine[],
  themes: readonly ThemeLine[],
  total: Figures,
): Check[] {
  const allLines = [
    ...funds.flatMap((f) => [
      [f.name, f.figures] as const,
      ...f.streams.map((s) => [`${f.name}, ${s.name}`, s.figures] as const),
      [`${f.name}, not ring-fenced`, f.unfenced] as const,
      ...f.contributors.map((c) => [`${f.name}, ${c.name}`, c.figures] as const),
    ]),
    ...themes.map((t) => [`Theme ${t.name}`, t.figures] as const),
    ['Total', total] as const,
  ];
  const budgetLines = funds.flatMap((f) => [
    [f.name, f.figures] as const,
    ...f.streams.map((s) => [`${f.name}, ${s.name}`, s.figures] as const),
    [`${f.name}, not ring-fenced`, f.unfenced] as const,
  ]);

  return [
    check(
      'streams-and-unfenced-make-fund',
      'For every fund and every figure, its ring-fenced streams and the unfenced rest add up to the fund.',
      funds.flatMap((f) =>
        differ(f.name, sumFigures([...f.streams.map((s) => s.figures), f.unfenced]), f.figures),
      ),
    ),
    check(
      'contributors-make-fund',
      "For every jointly funded fund and every figure, the partners' shares add up to the fund.",
      funds
        .filter((f) => f.contributors.length)
        .flatMap((f) => differ(f.name, sumFigures(f.contributors.map((c) => c.figures)), f.figures)),
    ),
    check(
      'themes-make-total',
      'For every figure, the Police and Crime Plan themes add up to the total.',
      differ('Themes', sumFigures(themes.map((t) => t.figures)), total),
    ),
    check(
      'funds-make-total',
      'For every figure, the funds add up to the total.',
      differ('Funds', sumFigures(funds.map((f) => f.figures)), total),
    ),
    check(
      'remaining-is-budget-less-committed',
      'On every line, remaining is the budget less the commitment held.',
      allLines
        .filter(([, f]) => f.remaining !== f.budget - f.committed)
        .map(([what]) => `${what}: remaining is not budget less committed`),
    ),
    check(
      'streams-fit-in-fund',
      'No fund has ring-fenced streams bigger than its budget.',
      funds.filter((f) => f.unfenced.budget < 0n).map((f) => `${f.name}: streams exceed the budget`),
    ),
    check(
      'never-over-committed',
      'No fund, ring-fenced stream or unfenced rest has more committed than its budget.',
      budgetLines.filter(([, f]) => f.committed > f.budget).map(([what]) => `${what}: over-committed`),
    ),
    check(
      'never-over-released',
      'Nothing has had more released than was committed to it.',
      budgetLines.filter(([, f]) => f.committed < 0n).map(([what]) => `${what}: commitment below zero`),
    ),
  ];
}
