import { Fragment, useCallback, useId, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { JobcastClient, TransportName } from '../../jobcast-client';
import { formatBytes } from '../format';
import { EMPTY_OUTPUT, appendOutput, withDividers } from './outputText';
import { useOutput } from './useOutputs';

/** Marks where another attempt's text begins. */
export function SectionDivider({ attempt }: { attempt: number }) {
  return <span className="section-divider" role="separator" data-testid="section-divider" data-attempt={attempt}>attempt {attempt}</span>;
}

/** Pixels from the bottom that still count as at the bottom (rounding, zoom). */
const AT_BOTTOM_PX = 4;

/**
 * Keeps a growing box scrolled to its end while `follow` is on. Scrolling up turns it off (the
 * reader wants to look at something); scrolling back to the end turns it on again.
 */
export function useFollowScroll(box: RefObject<HTMLElement | null>, grown: unknown) {
  const [follow, setFollow] = useState(true);
  const lastTop = useRef(0);

  useLayoutEffect(() => {
    const element = box.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
    if (element) lastTop.current = element.scrollTop;
  }, [box, follow, grown]);

  const onScroll = useCallback(() => {
    const element = box.current;
    if (!element) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight <= AT_BOTTOM_PX;
    if (atBottom) setFollow(true);
    else if (element.scrollTop < lastTop.current) setFollow(false);
    lastTop.current = element.scrollTop;
  }, [box]);

  return { follow, setFollow, onScroll };
}

/** One named output of a job, as text that grows, each attempt's section marked. */
export function OutputPanel({ client, jobId, name, transport, generation }: {
  client: JobcastClient;
  jobId: string;
  name: string;
  transport?: TransportName;
  generation: number;
}) {
  const titleId = useId();
  const { doc, complete, problem } = useOutput(client, jobId, name, { empty: EMPTY_OUTPUT, append: appendOutput, transport, generation });
  const box = useRef<HTMLPreElement>(null);
  const { onScroll } = useFollowScroll(box, doc);

  return (
    <section aria-labelledby={titleId} className="card output-panel">
      <h2 id={titleId}>
        Output <code>{name}</code>{' '}
        <span className="muted">({formatBytes(doc.length)}{complete ? ', complete' : ''})</span>
      </h2>
      <pre className="output" data-testid={`output-${name}`} ref={box} onScroll={onScroll} tabIndex={0} aria-label={`Output ${name}`}>
        {withDividers(doc.sections).map((part, index) => (
          <Fragment key={index}>{'divider' in part ? <SectionDivider attempt={part.divider} /> : part.item.text}</Fragment>
        ))}
      </pre>
      {problem && <p role="alert" className="problem">{problem}</p>}
    </section>
  );
}
