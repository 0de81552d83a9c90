import { arnScope } from "../../identity.js";
import { parseAuthorization } from "./sigv4.js";

/**
 * STS GetCallerIdentity (the query protocol), which SDK sessions and `aws sts get-caller-identity` call
 * first: the caller is the access key that signed the request, in the account ARNs are configured with.
 */
export function getCallerIdentity(request: Request): string {
  const { accessKeyId } = parseAuthorization(request.headers.get("authorization"));
  const { partition, account } = arnScope();
  const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return (
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
    `<Arn>arn:${partition}:iam::${account}:user/${xmlEscape(accessKeyId)}</Arn>` +
    `<UserId>${xmlEscape(accessKeyId)}</UserId><Account>${account}</Account>` +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}
