// Alias group targets.
import type { RenderCase } from '../../support/harness.js';
import { HOSTS, SERVERS, TEMP, TIMERS } from './series.js';

export const ALIAS_CASES: RenderCase[] = [
  { target: `alias(${TEMP},'Temperature')` },
  { target: `alias(${HOSTS},'all hosts')` },
  { target: `aliasByNode(${HOSTS},1)` },
  { target: `aliasByNode(${HOSTS},1,-1)` },
  { target: `aliasByNode(sumSeries(${HOSTS}),0)` },
  { target: `aliasByNode(seriesByTag('name=disk.used'),'server',1)` },
  { target: `aliasByNode(perSecond(${SERVERS}),1)`, from: '-1h' },
  { target: `aliasByMetric(${TIMERS})` },
  { target: `aliasByMetric(scale(${TIMERS},2))` },
  { target: `aliasByTags(seriesByTag('name=disk.used'),'rack','server')` },
  { target: `aliasByTags(seriesByTag('name=cpu.load'),1,'datacenter')` },
  { target: `aliasSub(${HOSTS},'^hosts\\.(\\w+)\\.(.*)$','\\2 on \\1')` },
  { target: `aliasSub(${TEMP},'(^.*$)','\\1 A')` },
  { target: `aliasSub(${HOSTS},'(?P<host>[abc])','\\g<host>-x')` },
  { target: `aliasQuery(hosts.a.disk.*,'hosts\\.a\\.disk\\.(\\w+)','hosts.b.disk.\\1','%d b')` },
  { target: `legendValue(${TEMP},'avg')` },
  { target: `legendValue(${TEMP},'min','max','last','total')` },
  { target: `legendValue(${TEMP},'avg','si')` },
];
