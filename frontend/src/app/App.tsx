import { useEffect, useRef } from 'react';
import { Toaster } from '@/components/toast';
import { StacksPage } from '@/features/stacks/components/StacksPage';
import { StatusBar } from '@/features/system/components/StatusBar';
import { SystemPage } from '@/features/system/components/SystemPage';
import { useRefetchFailedWhenReady } from '@/features/system/hooks/useRefetchFailedWhenReady';
import { useRoute, type Route } from './routes';
import { Sidebar } from './Sidebar';

const TITLES: Record<Route, string> = { stacks: 'Stacks', system: 'System' };

export function App() {
  const route = useRoute();
  useRefetchFailedWhenReady();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = `${TITLES[route]} · DevArch`;
    // After navigating (not on first load), move focus to the new page's heading so
    // keyboard and screen-reader users land on the content they asked for.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(event) => {
        event.preventDefault();
        mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
      }}>
        Skip to content
      </a>
      <Sidebar current={route} />
      <main className="main" id="main" ref={mainRef}>
        {route === 'stacks' && <StacksPage />}
        {route === 'system' && <SystemPage />}
      </main>
      <StatusBar />
      <Toaster />
    </div>
  );
}
