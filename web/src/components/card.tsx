/** A titled panel of a view; `wide` spans the grid's full width. */
import type { ComponentChildren } from 'preact';

export function Card({
  title,
  wide,
  actions,
  children,
  id,
}: {
  title: string;
  wide?: boolean;
  actions?: ComponentChildren;
  children: ComponentChildren;
  id?: string;
}) {
  return (
    <section
      class={wide === true ? 'card card-wide' : 'card'}
      aria-label={title}
      {...(id === undefined ? {} : { id })}
    >
      <header class="card-head">
        <h2>{title}</h2>
        {actions === undefined ? null : <div class="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
