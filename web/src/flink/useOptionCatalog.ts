import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints';
import { OptionCatalog } from './catalog';

const cache = new Map<string, Promise<OptionCatalog>>();

function versionKey(v: string): string {
  const m = /^v?(\d+)[._](\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}` : v;
}

// The option catalog of a Flink version (GET /flink/options?version=), fetched once per
// version. `error` is set when the server has none; the form then leaves keys to the server.
export function useOptionCatalog(api: Api, version: string): { catalog: OptionCatalog | null; error: unknown } {
  const [state, setState] = useState<{ catalog: OptionCatalog | null; error: unknown }>({ catalog: null, error: null });
  useEffect(() => {
    const key = versionKey(version);
    if (!/^\d+\.\d+$/.test(key)) {
      setState({ catalog: null, error: null });
      return;
    }
    let live = true;
    let p = cache.get(key);
    if (!p) {
      p = api.flinkOptions(key).then((options) => new OptionCatalog(key, options));
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    p.then(
      (catalog) => live && setState({ catalog, error: null }),
      (error: unknown) => live && setState({ catalog: null, error }),
    );
    return () => {
      live = false;
    };
  }, [api, version]);
  return state;
}
