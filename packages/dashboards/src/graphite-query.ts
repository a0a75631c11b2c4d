import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { GRAPHITE } from './datasources.js';

/**
 * The foundation SDK has no Graphite query type, so this follows its documented custom
 * query pattern: a Dataquery variant carrying Grafana's Graphite target fields.
 */
export interface GraphiteTarget extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  target: string;
  textEditor: boolean;
  hide?: boolean;
}

export class GraphiteQueryBuilder implements cog.Builder<cog.Dataquery> {
  readonly #query: GraphiteTarget;

  constructor(refId: string, target: string) {
    this.#query = {
      refId,
      datasource: GRAPHITE,
      target,
      textEditor: true,
      _implementsDataqueryVariant() {},
    };
  }

  hide(hide = true): this {
    this.#query.hide = hide;
    return this;
  }

  build(): GraphiteTarget {
    return this.#query;
  }
}

/** Graphite annotation target reading the events API (`/events/get_data?tags=...`). */
export class GraphiteEventsAnnotationBuilder implements cog.Builder<cog.Dataquery> {
  readonly #tags: string[];

  constructor(tags: string[]) {
    this.#tags = tags;
  }

  build() {
    return {
      fromAnnotations: true,
      queryType: 'tags',
      tags: this.#tags,
      limit: 100,
      matchAny: true,
      _implementsDataqueryVariant() {},
    };
  }
}
