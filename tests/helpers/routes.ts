// The routes an express app answers, read from its routers' own stacks: each method and path, with
// express's `:id` written as OpenAPI's `{id}`. Routers mounted with `use(path, router)` add their path.
import type { Express } from 'express';

interface Layer {
  rawPath?: string | string[];
  slash?: boolean;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const asOpenApi = (path: string) => path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');
const paths = (raw: string | string[] | undefined) => (Array.isArray(raw) ? raw : [raw ?? '']);

function walk(stack: readonly Layer[], prefix: string, found: Set<string>) {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of paths(layer.route.path))
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') found.add(`${method.toUpperCase()} ${asOpenApi(prefix + path)}`);
    } else if (layer.handle?.stack) {
      const mounts = layer.slash ? [''] : paths(layer.rawPath).map((p) => (p === '/' ? '' : p));
      for (const mount of mounts) walk(layer.handle.stack, prefix + mount, found);
    }
  }
}

/** Every "METHOD /path" the app answers, sorted. */
export function routesOf(app: Express): string[] {
  const found = new Set<string>();
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', found);
  return [...found].sort();
}
