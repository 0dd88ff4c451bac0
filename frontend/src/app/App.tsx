import { useEffect, useRef } from 'react';
import { Toaster } from '@/components/toast';
import { InstancePage } from '@/features/instances';
import { PlanPage } from '@/features/plans';
import { ComposePage, StacksPage, useLiveStatus } from '@/features/stacks';
import { StackPage } from '@/app/pages/StackPage';
import { StatusBar, SystemPage, useRefetchFailedWhenReady } from '@/features/system';
import { TemplatesPage } from '@/features/templates';
import { FileDropImport, ImportMenu } from '@/features/transfer';
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
          return <StacksPage extraActions={<ImportMenu />} />;
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key is location, compared by value
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
      <FileDropImport />
      <Toaster />
    </div>
  );
}
