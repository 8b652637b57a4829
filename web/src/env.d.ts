/** Vite's types for the dashboard's sources (CSS imports, import.meta.env). */
/// <reference types="vite/client" />
