import { useEffect, useRef } from 'react';
import { Toaster } from '@/components/toast';
import { InstancePage } from '@/features/instances/components/InstancePage';
import { PlanPage } from '@/features/plans/components/PlanPage';
import { ComposePage } from '@/features/stacks/components/ComposePage';
import { StackPage } from '@/features/stacks/components/StackPage';
import { StacksPage } from '@/features/stacks/components/StacksPage';
import { useLiveStatus } from '@/features/stacks/hooks/useLiveStatus';
import { StatusBar } from '@/features/system/components/StatusBar';
import { SystemPage } from '@/features/system/components/SystemPage';
import { useRefetchFailedWhenReady } from '@/features/system/hooks/useRefetchFailedWhenReady';
import { TemplatesPage } from '@/features/templates/components/TemplatesPage';
import { locationKey, useAppLocation, type AppLocation } from './routes';
import { Sidebar } from './Sidebar';

function titleFor(location: AppLocation): string {
  switch (location.route) {
    case 'templates':
      return 'Templates';
    case 'system':
      return 'System';
    case 'stacks':
      switch (location.page) {
        case 'list':
          return 'Stacks';
        case 'stack':
          return `${location.stack} · Stacks`;
        case 'compose':
          return `Compose · ${location.stack}`;
        case 'plan':
          return `Plan · ${location.stack}`;
        case 'instance':
          return `${location.instance} · ${location.stack}`;
      }
  }
}

function Page({ location }: { location: AppLocation }) {
  switch (location.route) {
    case 'templates':
      return <TemplatesPage />;
    case 'system':
      return <SystemPage />;
    case 'stacks':
      switch (location.page) {
        case 'list':
          return <StacksPage />;
        case 'stack':
          return <StackPage key={location.stack} name={location.stack} />;
        case 'compose':
          return <ComposePage key={location.stack} stack={location.stack} />;
        case 'plan':
          return <PlanPage key={location.stack} stack={location.stack} />;
        case 'instance':
          return <InstancePage key={`${location.stack}/${location.instance}`} stack={location.stack} name={location.instance} />;
      }
  }
}

export function App() {
  const location = useAppLocation();
  const key = locationKey(location);
  useRefetchFailedWhenReady();
  useLiveStatus();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = `${titleFor(location)} · DevArch`;
    // After navigating (not on first load), move focus to the new page's heading so
    // keyboard and screen-reader users land on the content they asked for.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.scrollTo?.({ top: 0 });
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
    // key stands for every part of the location.
  }, [key]);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(event) => {
        event.preventDefault();
        mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
      }}>
        Skip to content
      </a>
      <Sidebar current={location.route} />
      <main className="main" id="main" ref={mainRef}>
        <Page location={location} />
      </main>
      <StatusBar />
      <Toaster />
    </div>
  );
}
