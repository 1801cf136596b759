import { create } from 'zustand';

// Layout-only preferences, remembered in localStorage.
export type Theme = 'light' | 'dark';
export type EditorView = 'canvas' | 'yaml' | 'split';

interface UiState {
  theme: Theme;
  setTheme(t: Theme): void;
}

function initialTheme(): Theme {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('nextra.theme') : null;
  if (stored === 'light' || stored === 'dark') return stored;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(t: Theme): void {
  document.documentElement.classList.toggle('dark', t === 'dark');
  document.documentElement.style.colorScheme = t;
}

export const useUi = create<UiState>()((set) => ({
  theme: initialTheme(),
  setTheme(t) {
    localStorage.setItem('nextra.theme', t);
    applyTheme(t);
    set({ theme: t });
  },
}));
