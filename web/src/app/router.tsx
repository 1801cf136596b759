import { createBrowserRouter } from 'react-router';
import { AppShell } from './app-shell';
import { RequireSession } from './require-session';
import { LandingPage } from '../pages/landing-page';
import { AuthPage } from '../pages/auth-page';
import { DashboardPage } from '../pages/dashboard-page';
import { FlowEditorPage } from '../pages/flow-editor-page';
import { RunsPage } from '../pages/runs-page';
import { MarketplacePage } from '../pages/marketplace-page';
import { SettingsPage } from '../pages/settings-page';
import { NotFoundPage } from '../pages/not-found-page';

export const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { path: '/', element: <LandingPage /> },
      { path: '/login', element: <AuthPage mode="login" /> },
      { path: '/signup', element: <AuthPage mode="signup" /> },
      { path: '/setup', element: <AuthPage mode="setup" /> },
      {
        element: <RequireSession />,
        children: [
          { path: '/dashboard', element: <DashboardPage /> },
          { path: '/flow/:id', element: <FlowEditorPage view="canvas" /> },
          { path: '/flow/:id/yaml', element: <FlowEditorPage view="yaml" /> },
          { path: '/flow/:id/runs', element: <RunsPage /> },
          { path: '/flow/:id/runs/:executionId', element: <RunsPage /> },
          { path: '/marketplace', element: <MarketplacePage /> },
          { path: '/settings', element: <SettingsPage /> },
          { path: '/settings/:section', element: <SettingsPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
