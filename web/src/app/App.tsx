import { lazy, Suspense, useState } from 'react';
import { createBrowserRouter, Navigate, Route, RouterProvider, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from '../auth/AuthProvider';
import { LoginPage } from '../auth/LoginPage';
import { JobsPage } from '../jobs/JobsPage';
import { ErrorBox, Loading } from '../ui/Feedback';
import { EventsProvider } from './EventsProvider';
import { Layout } from './Layout';

// Pages with heavy parts (the SQL editor) load when first opened, so that the first
// screen comes up fast.
const JobPage = lazy(() => import('../jobs/JobPage'));
const EditJobPage = lazy(() => import('../editor/EditJobPage'));
const ClustersPage = lazy(() => import('../clusters/ClustersPage'));
const TeamsPage = lazy(() => import('../admin/TeamsPage'));
const UsersPage = lazy(() => import('../admin/UsersPage'));
const TokensPage = lazy(() => import('../admin/TokensPage'));
const AuditPage = lazy(() => import('../admin/AuditPage'));

function Authenticated() {
  const { state, reload } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <Loading label="Starting…" />;
  if (state.status === 'error') {
    return (
      <main className="center-page">
        <ErrorBox title="Cannot load your session" error={new Error(state.message)} onRetry={reload} />
      </main>
    );
  }
  if (state.status === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return (
    <EventsProvider onUnauthenticated={reload}>
      <Layout>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Navigate to="/jobs" replace />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/new" element={<EditJobPage />} />
            <Route path="/jobs/:name/edit" element={<EditJobPage />} />
            <Route path="/jobs/:name/:tab?" element={<JobPage />} />
            <Route path="/clusters/:tab?" element={<ClustersPage />} />
            <Route path="/teams" element={<TeamsPage />} />
            <Route path="/users" element={<UsersPage />} />
            <Route path="/tokens" element={<TokensPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Layout>
    </EventsProvider>
  );
}

function NotFound() {
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>
        There is no page at this address. <a href="/jobs">Go to the jobs</a>.
      </p>
    </div>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/*" element={<Authenticated />} />
    </Routes>
  );
}

// The root of the app under a router: tests mount it under a memory router.
export function Root() {
  return (
    <AuthProvider>
      <AppRoutes />
    </AuthProvider>
  );
}

// A data router, so that pages can hold navigation while they have unsaved changes.
export function App() {
  const [router] = useState(() => createBrowserRouter([{ path: '*', element: <Root /> }]));
  return <RouterProvider router={router} />;
}
