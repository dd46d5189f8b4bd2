import type { Response } from 'express';
import { ProblemError } from '../engine/errors.ts';

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** An RFC 9457 problem document; `instance` is the request path where there is one. */
export function problemDocument(problem: ProblemError, instance?: string) {
  return {
    type: `/problems/${slug(problem.title)}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance === undefined ? {} : { instance }),
    ...problem.extensions,
  };
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, problem: ProblemError, instance: string): void {
  res.status(problem.status).type('application/problem+json').json(problemDocument(problem, instance));
}

export const badRequest = (detail: string, errors: { field: string; message: string }[] = []) =>
  new ProblemError(400, 'Bad request', detail, errors.length ? { errors } : {});
