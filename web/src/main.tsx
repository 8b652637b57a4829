/** The dashboard's entry: the theme first (no flash of the wrong one), a one-click login, then the app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { takeLoginFragment } from './auth.ts';
import { applyTheme } from './theme.ts';
import './styles.css';

applyTheme();
takeLoginFragment();
render(<App />, document.getElementById('app')!);
