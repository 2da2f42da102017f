import { createContext, useContext } from 'react';
import { ApiClient } from '../api/client';
import { makeApi, type Api } from '../api/endpoints';

// The API the components use; tests provide a fake through <ApiContext.Provider>.
export const ApiContext = createContext<Api>(makeApi(new ApiClient()));

export function useApi(): Api {
  return useContext(ApiContext);
}
