import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { ApiContext } from '../app/ApiContext';
import { Root } from '../app/App';
import type { FakeServer } from './fakeServer';

// The whole app at `path`, talking to a fake server.
export function renderApp(server: FakeServer, path: string) {
  const router = createMemoryRouter([{ path: '*', element: <Root /> }], { initialEntries: [path] });
  const utils = render(
    <ApiContext.Provider value={server.api}>
      <RouterProvider router={router} />
    </ApiContext.Provider>,
  );
  return { ...utils, router };
}
