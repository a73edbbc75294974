import { useEffect, useMemo, useState } from 'react';
import { jobApi } from './api';
import { ApiKeyField } from './components/ApiKeyField';
import { ThemeSwitch } from './components/ThemeSwitch';
import { LiveProvider } from './live';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { OperationsPage } from './pages/OperationsPage';
import { SubmitPage } from './pages/SubmitPage';
import { Link, paths, routeOf, useLocation, type Route } from './router';
import { initialApiKey, storeApiKey, takeKeyFromLink } from './settings';

export function App() {
  const [apiKey, setApiKey] = useState(initialApiKey);
  const { pathname, search } = useLocation();
  const route = routeOf(pathname);
  const api = useMemo(() => jobApi(apiKey), [apiKey]);

  // A key link opened in a tab that already shows the page only changes the hash.
  useEffect(() => {
    const onHashChange = () => {
      const key = takeKeyFromLink();
      if (key) setApiKey(key);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const title = titleOf(route);
  useEffect(() => {
    document.title = `${title} · Jobcast`;
  }, [title]);

  const useKey = (key: string) => {
    storeApiKey(key);
    setApiKey(key);
  };

  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top">
        <Link to={paths.jobs()} className="brand" aria-label="Jobcast, all jobs">
          <span className="logo" aria-hidden="true" />Jobcast
        </Link>
        <nav aria-label="Main">
          <ul>
            <NavLink to={paths.jobs()} current={route.page === 'jobs' || route.page === 'job'}>Jobs</NavLink>
            <NavLink to={paths.submit()} current={route.page === 'submit'}>Submit</NavLink>
            <NavLink to={paths.operations()} current={route.page === 'operations'}>Operations</NavLink>
            <li><a href="/examples/">Examples</a></li>
          </ul>
        </nav>
        <div className="top-tools">
          <details className="key-menu">
            <summary>{apiKey ? 'API key ✓' : 'API key'}</summary>
            <ApiKeyField apiKey={apiKey} onChange={useKey} />
          </details>
          <ThemeSwitch />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {apiKey ? (
          <LiveProvider api={api} key={apiKey}>
            <Page route={route} api={api} search={search} />
          </LiveProvider>
        ) : (
          <section className="card welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title">Welcome to Jobcast</h1>
            <p>
              Enter an API key to see and submit jobs. <code>./jobcast run</code> prints a link that sets it;
              <code> ./jobcast keys add &lt;tenant&gt;</code> makes another. The key stays in this browser.
            </p>
            <ApiKeyField apiKey={apiKey} onChange={useKey} />
          </section>
        )}
      </main>
    </>
  );
}

function Page({ route, api, search }: { route: Route; api: ReturnType<typeof jobApi>; search: string }) {
  switch (route.page) {
    case 'jobs':
      return <JobsPage api={api} search={search} />;
    case 'job':
      return <JobPage api={api} id={route.id} search={search} key={route.id} />;
    case 'submit':
      return <SubmitPage api={api} />;
    case 'operations':
      return <OperationsPage api={api} />;
    default:
      return (
        <section className="card">
          <h1>Not found</h1>
          <p>Nothing lives at this address. <Link to={paths.jobs()}>See all jobs</Link>.</p>
        </section>
      );
  }
}

function NavLink({ to, current, children }: { to: string; current: boolean; children: string }) {
  return (
    <li>
      <Link to={to} aria-current={current ? 'page' : undefined}>{children}</Link>
    </li>
  );
}

function titleOf(route: Route): string {
  return { jobs: 'Jobs', job: 'Job', submit: 'Submit', operations: 'Operations', 'not-found': 'Not found' }[route.page];
}
