import { create } from 'zustand';
import { ApiError, errorMessage } from '../api/client';
import { fetchMe, login, logout, setup, signup } from '../api/auth.api';
import type { Me } from '../api/types';

// Who is signed in. `status` drives the route guards: unknown until /api/me answers.
interface SessionState {
  me: Me | null;
  status: 'unknown' | 'signed-in' | 'signed-out';
  error: string | null;
  refresh(): Promise<void>;
  login(email: string, password: string): Promise<boolean>;
  signup(email: string, password: string, name: string): Promise<boolean>;
  setup(token: string, email: string, password: string, name: string): Promise<boolean>;
  logout(): Promise<void>;
}

export const useSession = create<SessionState>()((set, get) => ({
  me: null,
  status: 'unknown',
  error: null,

  async refresh() {
    try {
      set({ me: await fetchMe(), status: 'signed-in', error: null });
    } catch (e) {
      const signedOut = e instanceof ApiError && (e.status === 401 || e.status === 403);
      set({ me: null, status: 'signed-out', error: signedOut ? null : errorMessage(e) });
    }
  },

  async login(email, password) {
    try {
      await login(email, password);
      await get().refresh();
      return true;
    } catch (e) {
      set({ error: errorMessage(e) });
      return false;
    }
  },

  async signup(email, password, name) {
    try {
      await signup(email, password, name);
      await get().refresh();
      return true;
    } catch (e) {
      set({ error: errorMessage(e) });
      return false;
    }
  },

  async setup(token, email, password, name) {
    try {
      await setup(token, email, password, name);
      await get().refresh();
      return true;
    } catch (e) {
      set({ error: e instanceof ApiError && e.status === 404 ? 'This setup link was already used or is wrong. Log in instead.' : errorMessage(e) });
      return false;
    }
  },

  async logout() {
    try {
      await logout();
    } finally {
      set({ me: null, status: 'signed-out' });
    }
  },
}));
