import { openClickHouseStore } from '../../src/store/clickhouse-store.ts';
import { describeStoreContract } from '../helpers/store-contract.ts';
let n = 0;
describeStoreContract('ClickHouse dev', () =>
  openClickHouseStore(`clickhouse://127.0.0.1:18123/c${process.pid}_${n++}`),
);
