/**
 * Light and dark: the system's choice (prefers-color-scheme) unless the user picked one with
 * the header's toggle (kept in localStorage). `data-theme` on <html> carries a pick; the CSS
 * reads both. `useDark()` tells charts which palette to draw with.
 */
import { useEffect, useState } from 'preact/hooks';

export type ThemePick = 'auto' | 'light' | 'dark';
const KEY = 'stint.theme';
const media = matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<() => void>();

export function themePick(): ThemePick {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'auto';
}

export function applyTheme(pick: ThemePick = themePick()): void {
  if (pick === 'auto') {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(KEY, pick);
    document.documentElement.dataset.theme = pick;
  }
  for (const l of listeners) l();
}

export const isDark = (): boolean => {
  const pick = themePick();
  return pick === 'dark' || (pick === 'auto' && media.matches);
};

media.addEventListener('change', () => {
  for (const l of listeners) l();
});

export function useDark(): boolean {
  const [dark, setDark] = useState(isDark);
  useEffect(() => {
    const update = () => setDark(isDark());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return dark;
}
