// The OpenAPI 3.0.3 description of the control plane's REST API (the routes in src/api/),
// served by GET /api/openapi.json and checked by the tests against the router, so a route
// added or removed without updating this document fails the build's tests. The human
// reference is docs/api.md; keep the two in step.
//
// The document is JSON text in raw string literals, parsed once on first use. It is split
// into pieces joined at run time because MSVC caps a single string literal (~16 KB) and a
// concatenated one (64 KB); GCC and Clang have no such limit. Split only between lines.

#include "api/openapi.h"

#include <string>

#include <nlohmann/json.hpp>

namespace nextra::api {
namespace {

// Pieces of one JSON document, in order; each ends at a line break.
constexpr const char* kPieces[] = {
R"json({
 "openapi": "3.0.3",
 "info": {
  "title": "Nextra control plane API",
  "version": "1.0.0",
  "description": "REST API of the Nextra control plane. See docs/api.md for authentication, organizations, roles, errors and pagination."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "tags": [
  {
   "name": "health"
  },
  {
   "name": "auth"
  },
  {
   "name": "api-keys"
  },
  {
   "name": "orgs"
  },
  {
   "name": "flows"
  },
  {
   "name": "secrets"
  },
  {
   "name": "modules"
  },
  {
   "name": "audit"
  },
  {
   "name": "usage"
  },
  {
   "name": "webhooks"
  },
  {
   "name": "triggers"
  },
  {
   "name": "runtime"
  },
  {
   "name": "executions"
  }
 ],
 "security": [
  {
   "cookieAuth": []
  },
  {
   "bearerAuth": []
  }
 ],
 "paths": {
  "/healthz": {
   "get": {
    "operationId": "getHealth",
    "summary": "Liveness",
    "tags": [
     "health"
    ],
    "responses": {
     "200": {
      "description": "The process is up.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        },
        "example": {
         "status": "ok"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/readyz": {
   "get": {
    "operationId": "getReadiness",
    "summary": "Readiness",
    "tags": [
     "health"
    ],
    "responses": {
     "200": {
      "description": "Ready to serve.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        },
        "example": {
         "status": "ready",
         "details": {}
        }
       }
      }
     },
     "503": {
      "description": "not_ready: a dependency is not ready; details say which.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "not_ready",
         "message": "the server is not ready",
         "details": {
          "database": "unreachable"
         }
        }
       }
      }
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/openapi.json": {
   "get": {
    "operationId": "getOpenApi",
    "summary": "This document",
    "tags": [
     "health"
    ],
    "responses": {
     "200": {
      "description": "The OpenAPI 3.0.3 document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/api/setup": {
   "post": {
    "operationId": "setup",
    "summary": "Create the first user (first start only)",
    "tags": [
     "auth"
    ],
    "description": "Only while the instance has no users. The token is printed by the server at first start and is consumed by the first success.",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SetupRequest"
       },
       "example": {
        "token": "9c1e...",
        "email": "ada@example.com",
        "password": "correct horse battery",
        "name": "Ada"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The first user, owner of a new organization; signed in.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuthResponse"
        },
        "example": {
         "user": {
          "id": "usr_01",
          "email": "ada@example.com",
          "name": "Ada",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "organization": {
          "id": "org_01",
          "name": "Ada's organization",
          "plan": "enterprise",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "csrfToken": "b2f1c0d8e4a7..."
        }
       }
      },
      "headers": {
       "Set-Cookie": {
        "description": "nextra_session=...; Path=/; HttpOnly; SameSite=Lax (plus Secure when served over HTTPS).",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "description": "not_found: the token is wrong, or the instance is already set up.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "not_found",
         "message": "no setup is pending with this token",
         "details": {}
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/auth/signup": {
   "post": {
    "operationId": "signup",
    "summary": "Sign up",
    "tags": [
     "auth"
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SignupRequest"
       },
       "example": {
        "email": "ada@example.com",
        "password": "correct horse battery",
        "name": "Ada"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The new user, owner of a new organization; signed in.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuthResponse"
        },
        "example": {
         "user": {
          "id": "usr_01",
          "email": "ada@example.com",
          "name": "Ada",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "organization": {
          "id": "org_01",
          "name": "Ada's organization",
          "plan": "enterprise",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "csrfToken": "b2f1c0d8e4a7..."
        }
       }
      },
      "headers": {
       "Set-Cookie": {
        "description": "nextra_session=...; Path=/; HttpOnly; SameSite=Lax (plus Secure when served over HTTPS).",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "403": {
      "description": "permission_denied: signup is disabled on this instance.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "409": {
      "description": "already_exists: the email is taken.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "already_exists",
         "message": "email already registered",
         "details": {
          "field": "email"
         }
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/auth/login": {
   "post": {
    "operationId": "login",
    "summary": "Log in",
    "tags": [
     "auth"
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LoginRequest"
       },
       "example": {
        "email": "ada@example.com",
        "password": "correct horse battery"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "Signed in.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuthResponse"
        },
        "example": {
         "user": {
          "id": "usr_01",
          "email": "ada@example.com",
          "name": "Ada",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "organization": {
          "id": "org_01",
          "name": "Ada's organization",
          "plan": "enterprise",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "csrfToken": "b2f1c0d8e4a7..."
        }
       }
      },
      "headers": {
       "Set-Cookie": {
        "description": "nextra_session=...; Path=/; HttpOnly; SameSite=Lax (plus Secure when served over HTTPS).",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "description": "unauthenticated: wrong email or password.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "unauthenticated",
         "message": "wrong email or password",
         "details": {}
        }
       }
      }
     },
     "403": {
      "description": "permission_denied: the user belongs to no organization.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/auth/logout": {
   "post": {
    "operationId": "logout",
    "summary": "Log out",
    "tags": [
     "auth"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "The session is ended and the cookie cleared.",
      "headers": {
       "Set-Cookie": {
        "description": "nextra_session=...; Path=/; HttpOnly; SameSite=Lax (plus Secure when served over HTTPS).",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/me": {
   "get": {
    "operationId": "getMe",
    "summary": "The caller",
    "tags": [
     "auth"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "Who is calling, in which organization, with which role.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Me"
        },
        "example": {
         "user": {
          "id": "usr_01",
          "email": "ada@example.com",
          "name": "Ada",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "organization": {
          "id": "org_01",
          "name": "Ada's organization",
          "plan": "enterprise",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "role": "owner",
         "organizations": [
          {
           "id": "org_01",
           "name": "Ada's organization",
           "plan": "enterprise",
           "createdAt": "2026-11-22T05:20:35.123Z",
           "role": "owner"
          }
         ],
         "authMethod": "session",
         "csrfToken": "b2f1c0d8e4a7..."
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/api-keys": {
   "get": {
    "operationId": "listApiKeys",
    "summary": "List API keys",
    "tags": [
     "api-keys"
    ],
)json",
R"json(    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The organization's API keys: all for admins and owners, the caller's own otherwise.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiKeyList"
        },
        "example": {
         "items": [
          {
           "id": "key_01",
           "name": "ci",
           "prefix": "nxk_3fA9",
           "userId": "usr_01",
           "createdAt": "2026-11-22T05:20:35.123Z",
           "lastUsedAt": null
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "operationId": "createApiKey",
    "summary": "Create an API key",
    "tags": [
     "api-keys"
    ],
    "description": "Members and above. The key acts as the caller, only in the current organization, with the caller's current role there (demoting the user demotes the key).",
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateApiKeyRequest"
       },
       "example": {
        "name": "ci"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The key; `key` is shown only now.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CreatedApiKey"
        },
        "example": {
         "apiKey": {
          "id": "key_01",
          "name": "ci",
          "prefix": "nxk_3fA9",
          "userId": "usr_01",
          "createdAt": "2026-11-22T05:20:35.123Z",
          "lastUsedAt": null
         },
         "key": "nxk_3fA9..."
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/api-keys/{id}": {
   "delete": {
    "operationId": "deleteApiKey",
    "summary": "Revoke an API key",
    "tags": [
     "api-keys"
    ],
    "description": "Members and above revoke their own keys; admins and owners any key in the organization.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/orgs": {
   "get": {
    "operationId": "listOrgs",
    "summary": "The caller's organizations",
    "tags": [
     "orgs"
    ],
    "responses": {
     "200": {
      "description": "Ordered by name.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OrganizationList"
        },
        "example": {
         "items": [
          {
           "id": "org_01",
           "name": "Ada's organization",
           "plan": "enterprise",
           "createdAt": "2026-11-22T05:20:35.123Z",
           "role": "owner"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "operationId": "createOrg",
    "summary": "Create an organization",
    "tags": [
     "orgs"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateOrganizationRequest"
       },
       "example": {
        "name": "Lab"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The new organization; the caller is its owner.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OrganizationWithRole"
        },
        "example": {
         "id": "org_02",
         "name": "Lab",
         "plan": "enterprise",
         "createdAt": "2026-11-22T05:20:35.123Z",
         "role": "owner"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/orgs/{id}/members": {
   "get": {
    "operationId": "listMembers",
    "summary": "List members",
    "tags": [
     "orgs"
    ],
    "description": "The path's organization, not X-Org-Id, is the one acted in; the caller must be a member (else 404).",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "Members with their roles.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemberList"
        },
        "example": {
         "items": [
          {
           "userId": "usr_02",
           "email": "bob@example.com",
           "name": "Bob",
           "role": "member",
           "createdAt": "2026-11-22T05:20:35.123Z"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/orgs/{id}/members/{userId}": {
   "patch": {
    "operationId": "changeMemberRole",
    "summary": "Change a member's role",
    "tags": [
     "orgs"
    ],
    "description": "Admins and owners. Only owners change an owner's role or make someone an owner (else 403). The path's organization, not X-Org-Id, is the one acted in; the caller must be a member (else 404).",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/UserId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ChangeRoleRequest"
       },
       "example": {
        "role": "admin"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "The member with the new role.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Member"
        },
        "example": {
         "userId": "usr_02",
         "email": "bob@example.com",
         "name": "Bob",
         "role": "admin",
         "createdAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "conflict: this would leave the organization without an owner.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "delete": {
    "operationId": "removeMember",
    "summary": "Remove a member",
    "tags": [
     "orgs"
    ],
    "description": "Anyone may remove themselves (leave); admins remove admins, members and viewers; owners anyone. The path's organization, not X-Org-Id, is the one acted in; the caller must be a member (else 404).",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/UserId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "conflict: the last owner cannot be removed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "conflict",
         "message": "cannot remove the last owner",
         "details": {}
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/orgs/{id}/invitations": {
   "get": {
    "operationId": "listInvitations",
    "summary": "List invitations",
    "tags": [
     "orgs"
    ],
    "description": "Admins and owners. The path's organization, not X-Org-Id, is the one acted in; the caller must be a member (else 404).",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "Pending invitations (not accepted, not expired), newest first.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/InvitationList"
        },
        "example": {
         "items": [
          {
           "id": "inv_01",
           "orgId": "org_01",
           "email": "bob@example.com",
           "role": "member",
           "invitedBy": "usr_01",
           "createdAt": "2026-11-22T05:20:35.123Z",
           "expiresAt": "2026-11-29T05:20:35.123Z",
           "acceptedAt": null
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "operationId": "createInvitation",
    "summary": "Invite someone",
    "tags": [
     "orgs"
    ],
)json",
R"json(    "description": "Admins and owners; only owners invite owners. The invitation expires after the instance's invitation lifetime (7 days by default). The path's organization, not X-Org-Id, is the one acted in; the caller must be a member (else 404).",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateInvitationRequest"
       },
       "example": {
        "email": "bob@example.com",
        "role": "member"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The invitation; `token` is shown only now.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CreatedInvitation"
        },
        "example": {
         "invitation": {
          "id": "inv_01",
          "orgId": "org_01",
          "email": "bob@example.com",
          "role": "member",
          "invitedBy": "usr_01",
          "createdAt": "2026-11-22T05:20:35.123Z",
          "expiresAt": "2026-11-29T05:20:35.123Z",
          "acceptedAt": null
         },
         "token": "f3a1...",
         "acceptPath": "/api/invitations/f3a1.../accept"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/invitations/{token}/accept": {
   "post": {
    "operationId": "acceptInvitation",
    "summary": "Accept an invitation",
    "tags": [
     "orgs"
    ],
    "description": "The caller must be signed in. The token is a bearer capability: whoever holds it joins with the invited role, once, before it expires; the invited email need not match the caller's.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Token"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The caller is now a member.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AcceptedInvitation"
        },
        "example": {
         "organization": {
          "id": "org_01",
          "name": "Ada's organization",
          "plan": "enterprise",
          "createdAt": "2026-11-22T05:20:35.123Z"
         },
         "member": {
          "userId": "usr_02",
          "email": "bob@example.com",
          "name": "Bob",
          "role": "member",
          "createdAt": "2026-11-22T05:20:35.123Z"
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "description": "not_found: unknown, expired or already accepted invitation.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "409": {
      "description": "already_exists: the caller is already a member.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows": {
   "get": {
    "operationId": "listFlows",
    "summary": "List flows",
    "tags": [
     "flows"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/PageSize"
     },
     {
      "name": "search",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Only flows whose name contains this text."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "One page of flows.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowPage"
        },
        "example": {
         "items": [
          {
           "id": "flw_01",
           "orgId": "org_01",
           "userId": "usr_01",
           "name": "hello",
           "description": "",
           "status": "stopped",
           "version": 1,
           "liveVersion": null,
           "createdAt": "2026-11-22T05:20:35.123Z",
           "updatedAt": "2026-11-22T05:20:35.123Z"
          }
         ],
         "total": 1,
         "page": 1,
         "pageSize": 20,
         "hasMore": false
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "operationId": "createFlow",
    "summary": "Create a flow",
    "tags": [
     "flows"
    ],
    "description": "Members and above. Without organismYaml the flow starts from a default template.",
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateFlowRequest"
       },
       "example": {
        "name": "hello"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The flow at version 1.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Flow"
        },
        "example": {
         "id": "flw_01",
         "orgId": "org_01",
         "userId": "usr_01",
         "name": "hello",
         "description": "",
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": [],
          "viewport": {
           "x": 0,
           "y": 0,
           "zoom": 1
          }
         },
         "status": "stopped",
         "containerId": null,
         "errorMessage": null,
         "version": 1,
         "liveVersion": null,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "warnings": []
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "402": {
      "$ref": "#/components/responses/TierLimit"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "422": {
      "$ref": "#/components/responses/SchemaViolation"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/validate": {
   "post": {
    "operationId": "validateFlow",
    "summary": "Validate an organism.yaml",
    "tags": [
     "flows"
    ],
    "description": "Stores nothing; any role may call it.",
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ValidateRequest"
       },
       "example": {
        "organismYaml": "organism: { name: x }\n"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "Always 200 for a well-formed request; valid says whether it passed.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ValidationResult"
        },
        "example": {
         "valid": false,
         "problems": [
          {
           "line": 4,
           "column": 5,
           "field": "listeners[0].handler",
           "message": "unknown handler \"transfrom\"",
           "severity": "error"
          }
         ]
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
)json",
R"json(  "/api/flows/generate": {
   "post": {
    "operationId": "generateFlow",
    "summary": "English to flow: a proposed organism.yaml written by the server's LLM (not saved)",
    "tags": ["flows"],
    "description": "Members and above. The server's LLM (nextra serve --llm-config FILE or NEXTRA_LLM_CONFIG) writes an organism.yaml for the description; each answer is checked like a flow save and the validator's messages go back to the model for a repair, at most 3 answers in all. Nothing is saved or started: save the proposal with POST /api/flows {name, organismYaml, canvasState}. The whole generation may take up to 240 s.",
    "parameters": [{"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["description"], "properties": {"description": {"type": "string", "minLength": 1, "maxLength": 4000, "description": "What the flow should do, in plain words (1 to 4,000 characters after trimming)."}}}, "example": {"description": "When a support ticket arrives by webhook, answer it with an AI assistant unless its priority is 3 or more."}}}},
    "responses": {
     "200": {"description": "A valid flow.", "content": {"application/json": {"schema": {"type": "object", "required": ["organismYaml", "canvasState", "attempts", "valid"], "properties": {
      "organismYaml": {"type": "string"},
      "canvasState": {"type": "object", "description": "A layered layout in the shape the editor stores (nodes [{id, type, position {x, y}}], edges [{id, source, target, kind}], viewport); triggers are nodes trigger:NAME.", "additionalProperties": true},
      "attempts": {"type": "integer", "minimum": 1, "maximum": 3},
      "valid": {"type": "boolean"},
      "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
      "model": {"type": "string", "description": "The model that wrote it, as its provider reported it."}}}}}},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "403": {"$ref": "#/components/responses/PermissionDenied"},
     "422": {"description": "generation_invalid: still invalid after 3 answers; details {organismYaml (the last answer), errors [Problem], attempts}.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "429": {"$ref": "#/components/responses/TooManyRequests"},
     "502": {"description": "llm_failed: the LLM provider failed (its redacted message); details {attempts}.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "503": {"description": "llm_not_configured: the server has no LLM for generating flows; unavailable: shutting down.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "504": {"description": "generation_timeout: not done within 240 s.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
)json",
R"json(  "/api/flows/{id}": {
   "get": {
    "operationId": "getFlow",
    "summary": "Get a flow",
    "tags": [
     "flows"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow at its latest version.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Flow"
        },
        "example": {
         "id": "flw_01",
         "orgId": "org_01",
         "userId": "usr_01",
         "name": "hello",
         "description": "",
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": [],
          "viewport": {
           "x": 0,
           "y": 0,
           "zoom": 1
          }
         },
         "status": "stopped",
         "containerId": null,
         "errorMessage": null,
         "version": 1,
         "liveVersion": null,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "warnings": []
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "put": {
    "operationId": "updateFlow",
    "summary": "Save a flow (new version)",
    "tags": [
     "flows"
    ],
    "description": "Members and above. The version being edited is required, in the body or If-Match; if the flow has moved on the answer is 409 with the current flow.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "If-Match",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The version being edited (e.g. \"1\" or W/\"1\"), when the body has no version."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UpdateFlowRequest"
       },
       "example": {
        "version": 1,
        "organismYaml": "organism: { name: hello-world }\n...",
        "message": "rename greeter"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "The flow at its new version.",
      "content": {
       "application/json": {
)json",
R"json(        "schema": {
         "$ref": "#/components/schemas/Flow"
        },
        "example": {
         "id": "flw_01",
         "orgId": "org_01",
         "userId": "usr_01",
         "name": "hello",
         "description": "",
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": [],
          "viewport": {
           "x": 0,
           "y": 0,
           "zoom": 1
          }
         },
         "status": "stopped",
         "containerId": null,
         "errorMessage": null,
         "version": 2,
         "liveVersion": null,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "warnings": []
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "$ref": "#/components/responses/StaleVersion"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "422": {
      "$ref": "#/components/responses/SchemaViolation"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "delete": {
    "operationId": "deleteFlow",
    "summary": "Delete a flow",
    "tags": [
     "flows"
    ],
    "description": "Members and above. Deletes every version.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/versions": {
   "get": {
    "operationId": "listFlowVersions",
    "summary": "List a flow's versions",
    "tags": [
     "flows"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/PageSize"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "One page of versions.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowVersionPage"
        },
        "example": {
         "items": [
          {
           "flowId": "flw_01",
           "version": 2,
           "authorId": "usr_01",
           "message": "rename greeter",
           "createdAt": "2026-11-22T05:20:35.123Z",
           "live": false
          }
         ],
         "total": 2,
         "page": 1,
         "pageSize": 20,
         "hasMore": false
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/versions/{version}": {
   "get": {
    "operationId": "getFlowVersion",
    "summary": "Get one version",
    "tags": [
     "flows"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/Version"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The version's content.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowVersion"
        },
        "example": {
         "flowId": "flw_01",
         "version": 2,
         "authorId": "usr_01",
         "message": "rename greeter",
         "createdAt": "2026-11-22T05:20:35.123Z",
         "live": false,
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": []
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/diff": {
   "get": {
    "operationId": "diffFlowVersions",
    "summary": "Diff two versions",
    "tags": [
     "flows"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      },
      "description": "Default: the version before `to` (1 at least)."
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      },
      "description": "Default: the flow's latest version."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "organismYaml diff from `from` to `to`.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowDiff"
        },
        "example": {
         "flowId": "flw_01",
         "from": 1,
         "to": 2,
         "added": 1,
         "removed": 1,
         "unified": "--- organism.yaml@v1\n+++ organism.yaml@v2\n@@ -1,1 +1,1 @@\n-organism: { name: a }\n+organism: { name: b }\n",
         "hunks": [
          {
           "oldStart": 1,
           "oldCount": 1,
           "newStart": 1,
           "newCount": 1,
           "lines": [
            {
             "op": "-",
             "text": "organism: { name: a }",
             "oldLine": 1,
             "newLine": null
            },
            {
             "op": "+",
             "text": "organism: { name: b }",
             "oldLine": null,
             "newLine": 1
            }
           ]
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/versions/{version}/restore": {
   "post": {
    "operationId": "restoreFlowVersion",
    "summary": "Restore an old version",
    "tags": [
     "flows"
    ],
    "description": "Members and above. Saves a new version with the old version's organismYaml and canvasState and the message \"Restored version N\"; history is kept. An old version that no longer validates is refused with 422.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/Version"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RestoreRequest"
       },
       "example": {
        "version": 2
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The flow at a new version whose content is the restored one.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Flow"
        },
        "example": {
         "id": "flw_01",
         "orgId": "org_01",
         "userId": "usr_01",
         "name": "hello",
         "description": "",
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": [],
          "viewport": {
           "x": 0,
           "y": 0,
           "zoom": 1
          }
         },
         "status": "stopped",
         "containerId": null,
         "errorMessage": null,
         "version": 3,
         "liveVersion": null,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "warnings": []
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "$ref": "#/components/responses/StaleVersion"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "422": {
      "$ref": "#/components/responses/SchemaViolation"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/versions/{version}/publish": {
   "post": {
    "operationId": "publishFlowVersion",
    "summary": "Publish a version",
    "tags": [
     "flows"
    ],
    "description": "Members and above. Marks the version live.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/Version"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow with liveVersion set.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Flow"
        },
        "example": {
         "id": "flw_01",
         "orgId": "org_01",
         "userId": "usr_01",
         "name": "hello",
         "description": "",
         "organismYaml": "organism: { name: hello-world }\n...",
         "canvasState": {
          "nodes": [],
          "edges": [],
          "viewport": {
           "x": 0,
           "y": 0,
           "zoom": 1
          }
         },
         "status": "stopped",
         "containerId": null,
         "errorMessage": null,
         "version": 3,
         "liveVersion": 3,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "warnings": []
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/modules": {
   "get": {
    "operationId": "listModules",
    "summary": "List the organization's WASM modules",
    "tags": ["modules"],
    "parameters": [{"$ref": "#/components/parameters/Page"}, {"$ref": "#/components/parameters/PageSize"}, {"$ref": "#/components/parameters/XOrgId"}],
    "responses": {
     "200": {"description": "By name, newest version first.", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/WasmModule"}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "pageSize": {"type": "integer"}}}}}},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   },
   "post": {
    "operationId": "createModule",
    "summary": "Upload a WASM module",
    "tags": ["modules"],
    "description": "Members and above. multipart/form-data (parts file, name, version, wit), application/wasm (?name=&version=&wit=), or JSON {name, version, wit, wasmBase64, source}. Checked by the sandbox under the platform limits (4 MiB, 16 memory pages, only the env imports of docs/wasm.md) and against its WIT before anything is kept. SaaS: free and paid plans 0 modules, pro 10.",
    "parameters": [{"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "requestBody": {"required": true, "content": {
      "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}, "version": {"type": "string"}, "wit": {"type": "string"}}}},
      "application/wasm": {"schema": {"type": "string", "format": "binary"}},
      "application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "version": {"type": "string", "default": "1.0.0"}, "wit": {"type": "string"}, "wasmBase64": {"type": "string"}, "source": {"type": "string", "description": "The AssemblyScript it was built from, kept for the editor; without wasmBase64 the server builds it (as POST /api/modules/build; 422 build_failed with the diagnostics when it does not compile)."}}}}}},
    "responses": {
     "201": {"description": "Stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WasmModule"}}}},
     "400": {"description": "invalid_argument, or invalid_module with the reason (and the WIT line and column).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "402": {"$ref": "#/components/responses/TierLimit"},
     "403": {"$ref": "#/components/responses/PermissionDenied"},
     "409": {"$ref": "#/components/responses/Conflict"},
     "413": {"$ref": "#/components/responses/PayloadTooLarge"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
  "/api/modules/build": {
   "post": {
    "operationId": "buildModule",
    "summary": "Compile AssemblyScript to a module (not stored)",
    "tags": ["modules"],
    "description": "Members and above. Runs the assemblyscript package's asc (0.28.20) with node in a subprocess, in a fresh temporary directory holding the source (index.ts) and Nextra's SDK (importable as \"nextra\"), with --optimize --runtime stub. Limits: 512 KiB of source, 30 s (then killed), 512 MB of node heap, 2 builds at once (429 beyond). Store the result with POST /api/modules.",
    "parameters": [{"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["source"], "properties": {"source": {"type": "string"}}}}}},
    "responses": {
     "200": {"description": "Built.", "content": {"application/json": {"schema": {"type": "object", "properties": {"ok": {"type": "boolean"}, "wasmBase64": {"type": "string"}, "sizeBytes": {"type": "integer"}, "exports": {"type": "array", "items": {"type": "string"}}, "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/BuildDiagnostic"}}}}}}},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "422": {"description": "build_failed: the compiler's diagnostics (also at the top level as ok: false, diagnostics); build_timeout.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "429": {"$ref": "#/components/responses/TooManyRequests"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
  "/api/modules/{id}": {
   "get": {
    "operationId": "getModule",
    "summary": "A module, with its AssemblyScript source when it has one",
    "tags": ["modules"],
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/XOrgId"}],
    "responses": {
     "200": {"description": "The module.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WasmModule"}}}},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   },
   "delete": {
    "operationId": "deleteModule",
    "summary": "Delete a module",
    "tags": ["modules"],
    "description": "Members and above. Flows naming it fail to start until it is uploaded again; its bytes are removed when no organization uses them.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "responses": {
     "204": {"description": "Done; no body."},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "403": {"$ref": "#/components/responses/PermissionDenied"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
  "/api/modules/{id}/run": {
   "post": {
    "operationId": "runModule",
    "summary": "Run a module once on a sample payload (the editor's test panel)",
    "tags": ["modules"],
    "description": "Members and above. The payload goes through the JSON ABI like a flow's message; http_fetch is refused and there is no project memory in a test run.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"payload": {"type": "object"}, "fuel": {"type": "integer", "minimum": 1, "maximum": 100000000}}}}}},
    "responses": {
     "200": {"description": "What the module answered.", "content": {"application/json": {"schema": {"type": "object", "properties": {"output": {}, "to": {"type": "string", "nullable": true}, "fuelUsed": {"type": "integer"}, "elapsedMicros": {"type": "integer"}, "logs": {"type": "array", "items": {"type": "string"}}}}}}},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "422": {"description": "The call failed: limit_exceeded (fuel, memory, depth, output), timeout, or module_failed (a trap, a broken ABI); details.logs has its log lines.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
)json",
R"json(  "/api/flows/{id}/memory": {
   "get": {
    "operationId": "listFlowMemory",
    "summary": "List a flow's project memory",
    "tags": ["flows"],
    "description": "The live keys of the flow's project memory (written by tool:keyvalue and code blocks), ordered by key, with their sizes; values are read one by one. usedBytes counts keys and values against maxBytes, the quota in the flow's saved `memory:` section; enabled says whether that section turns memory on.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/Page"}, {"$ref": "#/components/parameters/PageSize"}, {"$ref": "#/components/parameters/XOrgId"}],
    "responses": {
     "200": {"description": "One page of keys.", "content": {"application/json": {"schema": {"type": "object", "required": ["items", "total", "page", "pageSize", "hasMore", "usedBytes", "enabled", "maxBytes"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/MemoryKey"}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "pageSize": {"type": "integer"}, "hasMore": {"type": "boolean"}, "usedBytes": {"type": "integer"}, "enabled": {"type": "boolean"}, "maxBytes": {"type": "integer"}}}, "example": {"items": [{"key": "orders:last", "sizeBytes": 20, "expiresAt": null, "updatedAt": "2026-11-22T05:20:35.123Z"}], "total": 1, "page": 1, "pageSize": 20, "hasMore": false, "usedBytes": 20, "enabled": true, "maxBytes": 1048576}}}},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   },
   "delete": {
    "operationId": "clearFlowMemory",
    "summary": "Delete every key of a flow's project memory",
    "tags": ["flows"],
    "description": "Members and above; audited as flow.memory.clear.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "responses": {
     "200": {"description": "How many keys went.", "content": {"application/json": {"schema": {"type": "object", "required": ["deleted"], "properties": {"deleted": {"type": "integer"}}}, "example": {"deleted": 3}}}},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "403": {"$ref": "#/components/responses/PermissionDenied"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
  "/api/flows/{id}/memory/{key}": {
   "get": {
    "operationId": "getFlowMemoryKey",
    "summary": "Read one key of a flow's project memory",
    "tags": ["flows"],
    "description": "The stored key (with its namespace, `<namespace>:<key>`; code blocks' keys are `wasm:<module>:<key>`), percent-encoded in the path. value is the stored text (JSON text when tool:keyvalue wrote it). An absent or expired key is 404.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"name": "key", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/XOrgId"}],
    "responses": {
     "200": {"description": "The key and its value.", "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/MemoryKey"}, {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}}}]}, "example": {"key": "orders:last", "sizeBytes": 20, "expiresAt": null, "updatedAt": "2026-11-22T05:20:35.123Z", "value": "{\"id\":7}"}}}},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   },
   "delete": {
    "operationId": "deleteFlowMemoryKey",
    "summary": "Delete one key of a flow's project memory",
    "tags": ["flows"],
    "description": "Members and above; audited as flow.memory.delete. An absent or expired key is 404.",
    "parameters": [{"$ref": "#/components/parameters/Id"}, {"name": "key", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/XOrgId"}, {"$ref": "#/components/parameters/XCsrfToken"}],
    "responses": {
     "204": {"description": "Deleted; no body."},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/Unauthenticated"},
     "403": {"$ref": "#/components/responses/PermissionDenied"},
     "404": {"$ref": "#/components/responses/NotFound"},
     "503": {"$ref": "#/components/responses/Unavailable"},
     "default": {"$ref": "#/components/responses/Error"}
    }
   }
  },
)json",
R"json(  "/api/secrets": {
   "get": {
    "operationId": "listSecrets",
    "summary": "List secrets",
    "tags": [
     "secrets"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "Names and times; never values.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SecretList"
        },
        "example": {
         "items": [
          {
           "name": "OPENAI_API_KEY",
)json",
R"json(           "createdAt": "2026-11-22T05:20:35.123Z",
           "updatedAt": "2026-11-22T05:20:35.123Z"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/secrets/{name}": {
   "get": {
    "operationId": "getSecret",
    "summary": "Get a secret's metadata",
    "tags": [
     "secrets"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Name"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "Never the value.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SecretInfo"
        },
        "example": {
         "name": "OPENAI_API_KEY",
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "put": {
    "operationId": "putSecret",
    "summary": "Create or replace a secret",
    "tags": [
     "secrets"
    ],
    "description": "Admins and owners. The value is encrypted at rest and redacted from logs.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Name"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PutSecretRequest"
       },
       "example": {
        "value": "sk-..."
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "Replaced.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SecretInfo"
        },
        "example": {
         "name": "OPENAI_API_KEY",
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "201": {
      "description": "Created.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SecretInfo"
        },
        "example": {
         "name": "OPENAI_API_KEY",
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "delete": {
    "operationId": "deleteSecret",
    "summary": "Delete a secret",
    "tags": [
     "secrets"
    ],
    "description": "Admins and owners.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Name"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/audit": {
   "get": {
    "operationId": "listAudit",
    "summary": "Read the audit log",
    "tags": [
     "audit"
    ],
    "description": "Admins and owners.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/PageSize"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "One page of entries.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditPage"
        },
        "example": {
         "items": [
          {
           "seq": 42,
           "orgId": "org_01",
           "actorUserId": "usr_01",
           "action": "flow.update",
           "targetType": "flow",
           "targetId": "flw_01",
           "remoteAddr": "203.0.113.7",
           "details": {
            "version": 2
           },
           "createdAt": "2026-11-22T05:20:35.123Z"
          }
         ],
         "total": 1,
         "page": 1,
         "pageSize": 20,
         "hasMore": false
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/usage": {
   "get": {
    "operationId": "getUsage",
    "summary": "LLM usage and cost",
    "tags": [
     "usage"
    ],
    "description": "The organization's LLM calls summed over a UTC month (default: the current one) or a period of days, optionally grouped, plus the current month against the monthly spend cap. Viewers and above.",
    "parameters": [
     {
      "name": "month",
      "in": "query",
      "schema": {
       "type": "string",
       "example": "2026-12"
      }
     },
     {
      "name": "from",
      "in": "query",
      "description": "First day, YYYY-MM-DD (UTC); with to.",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "to",
      "in": "query",
      "description": "Last day included, YYYY-MM-DD (UTC); at most 366 days after from.",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "groupBy",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "flow",
        "model",
        "agent",
        "day"
       ]
      }
     },
     {
      "name": "flowId",
      "in": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "Sums of the period and its groups.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        },
        "example": {
         "from": "2026-12-01T00:00:00.000Z",
         "to": "2027-01-01T00:00:00.000Z",
         "groupBy": "flow",
         "flowId": null,
         "totals": {
          "calls": 12,
          "failedCalls": 1,
          "unpricedCalls": 0,
          "promptTokens": 5400,
          "completionTokens": 820,
          "totalTokens": 6220,
          "costUsd": 0.0217,
          "latencyMs": 9120
         },
         "groups": [
          {
           "key": "flw_01",
           "calls": 12,
           "failedCalls": 1,
           "unpricedCalls": 0,
           "promptTokens": 5400,
           "completionTokens": 820,
           "totalTokens": 6220,
           "costUsd": 0.0217,
           "latencyMs": 9120
          }
         ],
         "currentMonth": {
          "month": "2026-12",
          "promptTokens": 5400,
          "completionTokens": 820,
          "costUsd": 0.0217,
          "capUsd": 25,
          "capReached": false
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/usage/cap": {
   "put": {
    "operationId": "setUsageCap",
    "summary": "Set the monthly LLM spend cap",
    "tags": [
     "usage"
    ],
    "description": "Admins and owners. Once the month's cost reaches the cap, agents' model calls are refused until the next UTC month or a higher cap. null removes the cap.",
    "parameters": [
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "monthlyCapUsd"
        ],
        "properties": {
         "monthlyCapUsd": {
          "type": "number",
          "nullable": true,
          "minimum": 0
         }
        }
       },
       "example": {
        "monthlyCapUsd": 25
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The current month against the new cap.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        },
        "example": {
         "month": "2026-12",
         "promptTokens": 5400,
         "completionTokens": 820,
         "costUsd": 0.0217,
         "capUsd": 25,
         "capReached": false
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/webhooks/clerk": {
   "post": {
    "operationId": "clerkWebhook",
    "summary": "Clerk user events",
    "tags": [
     "webhooks"
    ],
    "description": "Authenticated by its Svix signature (svix-id, svix-timestamp, svix-signature over the raw body), not by a session. Keeps users in step with Clerk.",
    "parameters": [
     {
      "name": "svix-id",
      "in": "header",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "svix-timestamp",
      "in": "header",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "svix-signature",
      "in": "header",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": true,
        "description": "A Clerk webhook event (user.created, user.updated, user.deleted, ...)."
       }
      }
     }
    },
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "description": "unauthenticated: missing, wrong or stale Svix signature.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "404": {
      "description": "not_found: no Clerk webhook secret is configured.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/PayloadTooLarge"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/flows/{id}/triggers": {
   "get": {
    "operationId": "listTriggers",
    "summary": "List a flow's triggers",
    "tags": [
     "triggers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow's triggers (API and YAML ones); tokens are never shown.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TriggerList"
        },
        "example": {
         "items": [
          {
           "id": "trg_01",
           "flowId": "flw_01",
           "name": "nightly",
           "type": "schedule",
           "config": {
            "target": "greeter",
            "cron": "0 2 * * *",
            "timezone": "Europe/Paris",
            "missed": "skip",
            "source": "api"
           },
           "enabled": true,
           "createdAt": "2026-11-22T05:20:35.123Z",
           "updatedAt": "2026-11-22T05:20:35.123Z"
          }
         ]
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "operationId": "createTrigger",
    "summary": "Create a trigger",
    "tags": [
     "triggers"
    ],
    "description": "Members and above. config.target must name a listener of the flow; schedules need a valid config.cron and config.timezone; config.signatureSecret must be a valid secret name. The trigger's config.source is api.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CreateTriggerRequest"
       },
       "example": {
        "name": "nightly",
        "type": "schedule",
        "config": {
         "target": "greeter",
         "cron": "0 2 * * *",
         "timezone": "Europe/Paris"
        }
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "description": "The trigger; a webhook also has token and webhookPath, shown only now.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TriggerWithToken"
        },
        "example": {
         "id": "trg_02",
         "flowId": "flw_01",
         "name": "github",
         "type": "webhook",
         "config": {
          "target": "greeter",
          "signatureSecret": "GITHUB_HOOK_SECRET",
          "source": "api"
         },
         "enabled": true,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "token": "q8Zk...",
         "webhookPath": "/api/triggers/flw_01/webhook/q8Zk..."
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "already_exists: the flow already has a trigger with this name (details.field: name).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/triggers/{triggerId}": {
   "get": {
    "operationId": "getTrigger",
    "summary": "Get a trigger",
    "tags": [
     "triggers"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/TriggerId"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The trigger.",
      "content": {
       "application/json": {
        "schema": {
)json",
R"json(         "$ref": "#/components/schemas/Trigger"
        },
        "example": {
         "id": "trg_01",
         "flowId": "flw_01",
         "name": "nightly",
         "type": "schedule",
         "config": {
          "target": "greeter",
          "cron": "0 2 * * *",
          "timezone": "Europe/Paris",
          "missed": "skip",
          "source": "api"
         },
         "enabled": true,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "patch": {
    "operationId": "updateTrigger",
    "summary": "Update a trigger",
    "tags": [
     "triggers"
    ],
    "description": "Members and above. Changes name, enabled and config keys; the type cannot change (400). A YAML trigger's target, cron and timezone are overwritten by the next save of the flow.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/TriggerId"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UpdateTriggerRequest"
       },
       "example": {
        "enabled": false
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "description": "The updated trigger.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Trigger"
        },
        "example": {
         "id": "trg_01",
         "flowId": "flw_01",
         "name": "nightly",
         "type": "schedule",
         "config": {
          "target": "greeter",
          "cron": "0 2 * * *",
          "timezone": "Europe/Paris",
          "missed": "skip",
          "source": "api"
         },
         "enabled": true,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "already_exists: another trigger of the flow has this name.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "delete": {
    "operationId": "deleteTrigger",
    "summary": "Delete a trigger",
    "tags": [
     "triggers"
    ],
    "description": "Members and above. A YAML trigger comes back at the next save if the YAML still lists it.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/TriggerId"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "204": {
      "description": "Done; no body."
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/triggers/{triggerId}/rotate": {
   "post": {
    "operationId": "rotateTriggerToken",
    "summary": "New webhook token",
    "tags": [
     "triggers"
    ],
    "description": "Members and above. Webhooks only. Also the way to learn a token for a webhook declared in the flow's YAML.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/TriggerId"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The trigger with its new token and webhookPath (Cache-Control: no-store). The old token stops working.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TriggerWithToken"
        },
        "example": {
         "id": "trg_02",
         "flowId": "flw_01",
         "name": "github",
         "type": "webhook",
         "config": {
          "target": "greeter",
          "signatureSecret": "GITHUB_HOOK_SECRET",
          "source": "api"
         },
         "enabled": true,
         "createdAt": "2026-11-22T05:20:35.123Z",
         "updatedAt": "2026-11-22T05:20:35.123Z",
         "token": "q8Zk...",
         "webhookPath": "/api/triggers/flw_01/webhook/q8Zk..."
        }
       }
      }
     },
     "400": {
      "description": "invalid_argument: the trigger is not a webhook.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/triggers/{flow_id}/webhook/{token}": {
   "post": {
    "operationId": "callWebhook",
    "summary": "Call a webhook trigger",
    "tags": [
     "triggers"
    ],
    "description": "Public: the token in the path (plus the signature when config.signatureSecret is set) is the authentication. The body is the payload for the trigger's target: a JSON object (converted to the target's payload class) or an XML document. Wakes a flow that went idle; refuses a flow stopped by a user (409). Every accepted call is first recorded as a queued execution.",
    "parameters": [
     {
      "$ref": "#/components/parameters/TriggerFlowId"
     },
     {
      "$ref": "#/components/parameters/WebhookToken"
     },
     {
      "name": "X-Nextra-Timestamp",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Unix seconds; required when the trigger has config.signatureSecret. At most 5 minutes off the server's clock."
     },
     {
      "name": "X-Nextra-Signature",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^v1=[0-9a-f]{64}$"
      },
      "description": "v1=<lower-case hex HMAC-SHA256(secret, timestamp + \".\" + raw body)>; required when the trigger has config.signatureSecret, the secret being that vault secret's value."
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     },
     {
      "$ref": "#/components/parameters/Wait"
     },
     {
      "$ref": "#/components/parameters/WaitTimeout"
     },
     {
      "name": "Accept",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "With wait=true: an xml type (without json) answers the output as raw XML."
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": true
       },
       "example": {
        "name": "Ada"
       }
      },
      "application/xml": {
       "schema": {
        "type": "string"
       },
       "example": "<Greeting><name>Ada</name></Greeting>"
      },
      "text/xml": {
       "schema": {
        "type": "string"
       },
       "example": "<Greeting><name>Ada</name></Greeting>"
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "$ref": "#/components/responses/ExecutionResult"
     },
     "202": {
      "$ref": "#/components/responses/ExecutionAccepted"
     },
     "400": {
      "description": "invalid_argument: a body that is not a JSON object or not well-formed XML, a payload that does not fit the target's class, a bad timeout, or an Idempotency-Key over 200 characters.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "401": {
      "description": "signature_invalid: the trigger needs a signature and it is missing, stale or wrong.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "signature_invalid",
         "message": "signature mismatch",
         "details": {}
        }
       }
      }
     },
     "404": {
      "description": "not_found: wrong token, wrong flow id or disabled trigger (all answer the same), or an unknown target listener.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "not_found",
         "message": "not found",
         "details": {}
        }
       }
      }
     },
     "409": {
      "$ref": "#/components/responses/FlowStopped"
     },
     "413": {
      "description": "payload_too_large: the body is over 1 MiB; details.limit is the limit in bytes.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "description": "schema_violation: the payload does not match the target listener's payload class.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TriggerTooMany"
     },
     "502": {
      "$ref": "#/components/responses/ExecutionFailed"
     },
     "503": {
      "$ref": "#/components/responses/RuntimeUnavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/triggers/{flow_id}/inject": {
   "post": {
    "operationId": "injectPayload",
    "summary": "Run a flow by hand",
    "tags": [
     "triggers"
    ],
    "description": "Members and above. Starts the flow if needed, even one stopped by a user. Body: JSON {target?, payload?} (empty = {}), or an XML payload (Content-Type application/xml or text/xml) with ?target=.",
    "parameters": [
     {
      "$ref": "#/components/parameters/TriggerFlowId"
     },
     {
      "name": "target",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "The listener, for XML bodies (or when the JSON body has no target); omitted: the flow's first listener."
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     },
     {
      "$ref": "#/components/parameters/Wait"
     },
     {
      "$ref": "#/components/parameters/WaitTimeout"
     },
     {
      "name": "Accept",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
)json",
R"json(      "description": "With wait=true: an xml type (without json) answers the output as raw XML."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/InjectRequest"
       },
       "example": {
        "target": "greeter",
        "payload": {
         "name": "Ada"
        }
       }
      },
      "application/xml": {
       "schema": {
        "type": "string"
       },
       "example": "<Greeting><name>Ada</name></Greeting>"
      },
      "text/xml": {
       "schema": {
        "type": "string"
       },
       "example": "<Greeting><name>Ada</name></Greeting>"
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "$ref": "#/components/responses/ExecutionResult"
     },
     "202": {
      "$ref": "#/components/responses/ExecutionAccepted"
     },
     "400": {
      "description": "invalid_argument: a body that is not a JSON object or not well-formed XML, a payload that does not fit the target's class, a bad timeout, or an Idempotency-Key over 200 characters.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "description": "not_found: no such flow, or no such target listener.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "422": {
      "description": "schema_violation: the payload does not match the target listener's payload class.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TriggerTooMany"
     },
     "502": {
      "$ref": "#/components/responses/ExecutionFailed"
     },
     "503": {
      "$ref": "#/components/responses/RuntimeUnavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/schedule/preview": {
   "get": {
    "operationId": "previewSchedule",
    "summary": "Next firings of a cron expression",
    "tags": [
     "triggers"
    ],
    "parameters": [
     {
      "name": "cron",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "5 or 6 fields.",
      "example": "0 2 * * 1-5"
     },
     {
      "name": "timezone",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "default": "UTC"
      },
      "description": "IANA time zone."
     },
     {
      "name": "count",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "format": "int32",
       "minimum": 1,
       "maximum": 100,
       "default": 5
      },
      "description": "How many firings (larger values are capped at 100)."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The next firings after now.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SchedulePreview"
        },
        "example": {
         "cron": "0 2 * * 1-5",
         "timezone": "Europe/Paris",
         "next": [
          "2026-11-23T01:00:00.000Z",
          "2026-11-24T01:00:00.000Z"
         ]
        }
       }
      }
     },
     "400": {
      "description": "invalid_argument: cron missing or invalid, unknown timezone, or a bad count (details.field says which).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        },
        "example": {
         "code": "invalid_argument",
         "message": "cron: expected 5 or 6 fields",
         "details": {
          "field": "cron"
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/start": {
   "post": {
    "operationId": "startFlow",
    "summary": "Start a flow",
    "tags": [
     "runtime"
    ],
    "description": "Members and above. Runs the live version (the latest when none is published); a running flow on an older version is restarted on the new one. Clears stoppedByUser.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow's run status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowRunStatus"
        },
        "example": {
         "status": "running",
         "errorMessage": null,
         "version": 3,
         "stoppedByUser": false,
         "idle": false,
         "startedAt": "2026-11-22T05:20:35.123Z",
         "runningExecutions": 0
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "description": "schema_violation: the flow's YAML cannot run.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/stop": {
   "post": {
    "operationId": "stopFlow",
    "summary": "Stop a flow",
    "tags": [
     "runtime"
    ],
    "description": "Members and above. Waits for running executions up to the drain time, then stops; queued executions stay queued. Until started again, webhooks and schedules are refused with 409 flow_stopped; manual runs start it.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow's run status (stoppedByUser true).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowRunStatus"
        },
        "example": {
         "status": "stopped",
         "errorMessage": null,
         "version": null,
         "stoppedByUser": true,
         "idle": false,
         "startedAt": null,
         "runningExecutions": 0
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/status": {
   "get": {
    "operationId": "getFlowStatus",
    "summary": "A flow's run status",
    "tags": [
     "runtime"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The flow's run status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FlowRunStatus"
        },
        "example": {
         "status": "running",
         "errorMessage": null,
         "version": 3,
         "stoppedByUser": false,
         "idle": false,
         "startedAt": "2026-11-22T05:20:35.123Z",
         "runningExecutions": 0
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/executions": {
   "get": {
    "operationId": "listExecutions",
    "summary": "List a flow's executions",
    "tags": [
     "executions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/ExecutionStatusFilter"
     },
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/PageSize"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "One page of executions, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ExecutionPage"
        },
        "example": {
         "items": [
          {
           "id": "3f2b9c1e-...",
           "flowId": "flw_01",
           "flowVersion": 3,
           "triggerId": "trg_01",
           "status": "success",
           "input": {
            "target": "greeter",
            "payload": "<Greeting><name>Ada</name></Greeting>"
           },
           "output": "<Reply><text>Hello, Ada</text></Reply>",
           "error": null,
           "attempts": 1,
           "startedAt": "2026-11-22T05:20:35.123Z",
           "finishedAt": "2026-11-22T05:20:35.480Z",
           "durationMs": 357
          }
         ],
         "total": 1,
         "page": 1,
         "pageSize": 20,
         "hasMore": false
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/executions/{id}": {
   "get": {
    "operationId": "getExecution",
    "summary": "Get an execution",
    "tags": [
     "executions"
    ],
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "The execution with its steps.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ExecutionDetail"
        },
        "example": {
         "id": "3f2b9c1e-...",
         "flowId": "flw_01",
         "flowVersion": 3,
         "triggerId": "trg_01",
         "status": "success",
         "input": {
          "target": "greeter",
          "payload": "<Greeting><name>Ada</name></Greeting>"
         },
         "output": "<Reply><text>Hello, Ada</text></Reply>",
         "error": null,
         "attempts": 1,
         "startedAt": "2026-11-22T05:20:35.123Z",
         "finishedAt": "2026-11-22T05:20:35.480Z",
         "durationMs": 357,
         "steps": [
          {
           "index": 0,
           "from": "trigger",
           "to": "greeter",
           "payloadType": "Greeting",
           "payload": "<Greeting><name>Ada</name></Greeting>",
           "status": "delivered",
           "error": null,
           "startedAt": "2026-11-22T05:20:35.130Z"
          }
         ]
        }
       }
      }
     },
)json",
R"json(     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/executions/{id}/cancel": {
   "post": {
    "operationId": "cancelExecution",
    "summary": "Cancel an execution",
    "tags": [
     "executions"
    ],
    "description": "Members and above. Cancels a queued or running execution.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "description": "The execution, now cancelled.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Execution"
        },
        "example": {
         "id": "3f2b9c1e-...",
         "flowId": "flw_01",
         "flowVersion": 3,
         "triggerId": "trg_01",
         "status": "cancelled",
         "input": {
          "target": "greeter",
          "payload": "<Greeting><name>Ada</name></Greeting>"
         },
         "output": null,
         "error": null,
         "attempts": 1,
         "startedAt": "2026-11-22T05:20:35.123Z",
         "finishedAt": "2026-11-22T05:20:35.480Z",
         "durationMs": 357
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "description": "conflict: the execution has already ended.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/executions/{id}/rerun": {
   "post": {
    "operationId": "rerunExecution",
    "summary": "Run an execution again",
    "tags": [
     "executions"
    ],
    "description": "Members and above. A new execution with the same target and payload, on the flow's current version; answers like POST /api/triggers/{flow_id}/inject. No body.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/Wait"
     },
     {
      "$ref": "#/components/parameters/WaitTimeout"
     },
     {
      "name": "Accept",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "With wait=true: an xml type (without json) answers the output as raw XML."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     },
     {
      "$ref": "#/components/parameters/XCsrfToken"
     }
    ],
    "responses": {
     "200": {
      "$ref": "#/components/responses/ExecutionResult"
     },
     "202": {
      "$ref": "#/components/responses/ExecutionAccepted"
     },
     "400": {
      "description": "invalid_argument: a body that is not a JSON object or not well-formed XML, a payload that does not fit the target's class, a bad timeout, or an Idempotency-Key over 200 characters.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/PermissionDenied"
     },
     "404": {
      "description": "not_found: no such execution, or its target listener no longer exists.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "422": {
      "description": "schema_violation: the payload does not match the target listener's payload class.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApiError"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TriggerTooMany"
     },
     "502": {
      "$ref": "#/components/responses/ExecutionFailed"
     },
     "503": {
      "$ref": "#/components/responses/RuntimeUnavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/executions/{id}/events": {
   "get": {
    "operationId": "streamExecutionEvents",
    "summary": "Follow an execution",
    "tags": [
     "executions"
    ],
    "description": "Events may repeat around the switch from replay to live; de-duplicate by id.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "Server-Sent Events: each event has `event: <type>` and `data: <LogEvent as JSON>`; a comment line is sent as a heartbeat. Replays the execution's events still in memory, then streams live ones; ends after execution.finished (sent at once for an execution that is already over).",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        },
        "example": "event: execution.started\ndata: {\"executionId\":\"3f2b9c1e-...\",\"id\":41,\"type\":\"execution.started\",\"at\":\"2026-11-22T05:20:35.125Z\",...}\n\nevent: execution.finished\ndata: {\"executionId\":\"3f2b9c1e-...\",\"status\":\"success\",\"id\":43,...}\n\n"
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/api/flows/{id}/logs": {
   "get": {
    "operationId": "getFlowLogs",
    "summary": "A flow's runtime log",
    "tags": [
     "executions"
    ],
    "description": "The flow's recent events (an in-memory ring per flow, 1,000 events by default; lost on restart). Executions and their steps stay in the database.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "after",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "format": "int64",
       "minimum": 1
      },
      "description": "Only events with a larger id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "format": "int32",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      },
      "description": "JSON only: at most this many events (larger values are capped at 1000)."
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Like after; wins over it."
     },
     {
      "name": "Accept",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "text/event-stream: a live stream; otherwise one JSON page."
     },
     {
      "$ref": "#/components/parameters/XOrgId"
     }
    ],
    "responses": {
     "200": {
      "description": "JSON: events after `after`, oldest first. text/event-stream: the events after `after` still in memory, then live ones (Server-Sent Events: each event has `event: <type>` and `data: <LogEvent as JSON>`; a comment line is sent as a heartbeat.)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LogPage"
        },
        "example": {
         "items": [
          {
           "type": "execution.started",
           "id": 41,
           "at": "2026-11-22T05:20:35.125Z",
           "executionId": "3f2b9c1e-...",
           "triggerId": "trg_01",
           "target": "greeter",
           "version": 3
          }
         ],
         "nextAfter": 41
        }
       },
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     },
     "default": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "cookieAuth": {
    "type": "apiKey",
    "in": "cookie",
    "name": "nextra_session",
    "description": "Session cookie (HttpOnly, SameSite=Lax) set by login, signup and setup. Writes also need the X-CSRF-Token header."
   },
   "bearerAuth": {
    "type": "http",
    "scheme": "bearer",
    "description": "Either an API key (nxk_...) or, when a JWKS is configured, a Clerk/OIDC JWT. No CSRF token needed."
   }
  },
  "parameters": {
   "XOrgId": {
    "name": "X-Org-Id",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string"
    },
    "description": "The organization to act in; without it, the caller's default organization (the first of GET /api/orgs, ordered by name). An API key always acts in its own organization (naming another is 403). An organization the caller does not belong to is 404."
   },
   "XCsrfToken": {
    "name": "X-CSRF-Token",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string"
    },
    "description": "Required on POST/PUT/PATCH/DELETE when authenticated by the session cookie: the csrfToken from login/signup/setup or GET /api/me. Missing or wrong: 403 csrf_failed."
   },
   "Page": {
    "name": "page",
    "in": "query",
    "required": false,
    "schema": {
     "type": "integer",
     "format": "int32",
     "description": "1-based page.",
     "minimum": 1,
     "default": 1
    }
   },
   "PageSize": {
    "name": "pageSize",
    "in": "query",
    "required": false,
    "schema": {
     "type": "integer",
     "format": "int32",
     "description": "Items per page.",
     "minimum": 1,
     "maximum": 100,
     "default": 20
    }
   },
   "Id": {
    "name": "id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    }
   },
   "UserId": {
    "name": "userId",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    }
   },
   "Token": {
    "name": "token",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    },
    "description": "The invitation token from CreatedInvitation."
   },
   "Version": {
    "name": "version",
    "in": "path",
    "required": true,
    "schema": {
     "type": "integer",
     "format": "int64",
     "minimum": 1
    }
   },
   "Name": {
    "name": "name",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string",
     "pattern": "^[A-Za-z_][A-Za-z0-9_.-]{0,127}$"
    },
    "description": "The secret's name, as referenced by ${secret:NAME}; a name breaking the pattern is 400."
   },
   "TriggerId": {
    "name": "triggerId",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    }
   },
   "TriggerFlowId": {
    "name": "flow_id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    },
    "description": "The flow's id."
   },
   "WebhookToken": {
    "name": "token",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string"
    },
    "description": "The webhook trigger's token, from its creation or POST .../rotate."
   },
   "Wait": {
    "name": "wait",
    "in": "query",
    "required": false,
    "schema": {
)json",
R"json(     "type": "boolean",
     "default": false
    },
    "description": "true (or 1): answer when the execution ends, up to `timeout`; otherwise answer 202 at once."
   },
   "WaitTimeout": {
    "name": "timeout",
    "in": "query",
    "required": false,
    "schema": {
     "type": "number",
     "exclusiveMinimum": true,
     "minimum": 0,
     "default": 30
    },
    "description": "With wait=true: seconds to wait (a positive number; capped at 120 by default)."
   },
   "IdempotencyKey": {
    "name": "Idempotency-Key",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string",
     "maxLength": 200
    },
    "description": "Same key on the same flow within 24 hours: no new execution; the answer is about the first one and carries Idempotent-Replayed: true."
   },
   "ExecutionStatusFilter": {
    "name": "status",
    "in": "query",
    "required": false,
    "schema": {
     "type": "string",
     "enum": [
      "queued",
      "running",
      "success",
      "error",
      "timeout",
      "cancelled"
     ]
    },
    "description": "Only executions in this status."
   }
  },
  "responses": {
   "Error": {
    "description": "Any other error (for example 500 internal), in the ApiError shape.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      }
     }
    }
   },
   "BadRequest": {
    "description": "invalid_argument: malformed JSON (details.line, details.column) or a missing/mistyped field (details.field).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "invalid_argument",
       "message": "name: expected a string",
       "details": {
        "field": "name"
       }
      }
     }
    }
   },
   "Unauthenticated": {
    "description": "unauthenticated: no valid session, API key or bearer token.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "unauthenticated",
       "message": "authentication required",
       "details": {}
      }
     }
    }
   },
   "TierLimit": {
    "description": "tier_limit (SaaS mode only): the organization's plan allows no more of this resource.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "tier_limit",
       "message": "the free plan allows 1 flow; upgrade the plan or delete a flow",
       "details": {
        "limit": 1,
        "current": 1,
        "plan": "free",
        "resource": "flows"
       }
      }
     }
    }
   },
   "PermissionDenied": {
    "description": "permission_denied: the caller's role does not allow this; csrf_failed: missing or wrong X-CSRF-Token on a cookie-authenticated write.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "permission_denied",
       "message": "requires role admin",
       "details": {}
      }
     }
    }
   },
   "NotFound": {
    "description": "not_found: no such resource in this organization (also when the caller may not know it exists).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "not_found",
       "message": "not found",
       "details": {}
      }
     }
    }
   },
   "Conflict": {
    "description": "conflict or already_exists.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "already_exists",
       "message": "already exists",
       "details": {}
      }
     }
    }
   },
   "StaleVersion": {
    "description": "conflict: the flow has a newer version than the one being edited; details carry the current version and flow.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ConflictError"
      }
     }
    }
   },
   "PayloadTooLarge": {
    "description": "payload_too_large: the request body exceeds the server's limit.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "payload_too_large",
       "message": "request body too large",
       "details": {}
      }
     }
    }
   },
   "SchemaViolation": {
    "description": "schema_violation: organismYaml has errors; details.problems lists them.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/SchemaViolationError"
      },
      "example": {
       "code": "schema_violation",
       "message": "organismYaml is invalid",
       "details": {
        "problems": [
         {
          "line": 4,
          "column": 5,
          "field": "listeners[0].handler",
          "message": "unknown handler \"transfrom\"",
          "severity": "error"
         }
        ]
       }
      }
     }
    }
   },
   "TooManyRequests": {
    "description": "resource_exhausted: too many failed log-ins for this account or address; retry after Retry-After seconds (also details.retryAfterSeconds).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "resource_exhausted",
       "message": "too many failed log-in attempts; try again later",
       "details": {
        "retryAfterSeconds": 60
       }
      }
     }
    },
    "headers": {
     "Retry-After": {
      "description": "Seconds until another attempt may succeed.",
      "schema": {
       "type": "integer"
      }
     }
    }
   },
   "Unavailable": {
    "description": "unavailable: a dependency (e.g. the store) cannot be reached.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "unavailable",
       "message": "store unavailable",
       "details": {}
      }
     }
    }
   },
   "ExecutionAccepted": {
    "description": "Accepted: the execution is recorded (queued) and runs; with wait=true, it was still running when the timeout passed.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ExecutionAccepted"
      },
      "example": {
       "executionId": "3f2b9c1e-...",
       "status": "queued",
       "location": "/api/executions/3f2b9c1e-..."
      }
     }
    },
    "headers": {
     "Location": {
      "description": "/api/executions/{executionId}.",
      "schema": {
       "type": "string"
      }
     },
     "Idempotent-Replayed": {
      "description": "true when the Idempotency-Key matched an earlier execution (no new one was made).",
      "schema": {
       "type": "string",
       "enum": [
        "true"
       ]
      }
     }
    }
   },
   "ExecutionResult": {
    "description": "wait=true and the execution succeeded: the Output listener's payload as JSON, or as XML when Accept asks for xml (and not json).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ExecutionResult"
      },
      "example": {
       "executionId": "3f2b9c1e-...",
       "status": "success",
       "outputType": "Reply",
       "output": {
        "text": "Hello, Ada"
       }
      }
     },
     "application/xml": {
      "schema": {
       "type": "string"
      },
      "example": "<Reply><text>Hello, Ada</text></Reply>"
     }
    },
    "headers": {
     "X-Execution-Id": {
      "description": "The execution's id.",
      "schema": {
       "type": "string"
      }
     },
     "Idempotent-Replayed": {
      "description": "true when the Idempotency-Key matched an earlier execution (no new one was made).",
      "schema": {
       "type": "string",
       "enum": [
        "true"
       ]
      }
     }
    }
   },
   "ExecutionFailed": {
    "description": "execution_failed (wait=true): the execution ended with error, timeout or cancelled; details carry executionId, status and error.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "execution_failed",
       "message": "the execution ended with status error",
       "details": {
        "executionId": "3f2b9c1e-...",
        "status": "error",
        "error": "greeter: handler failed"
       }
      }
     }
    }
   },
   "FlowStopped": {
    "description": "flow_stopped: the flow was stopped by a user; start it (POST /api/flows/{id}/start) to accept webhooks and schedules again.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "flow_stopped",
       "message": "the flow is stopped; start it to accept triggers",
       "details": {}
      }
     }
    }
   },
   "TriggerTooMany": {
    "description": "resource_exhausted: the flow has too many open (queued + running) executions.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      }
     }
    }
   },
   "UnsupportedMediaType": {
    "description": "unsupported_media_type: Content-Type is not application/json, application/xml or text/xml.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      },
      "example": {
       "code": "unsupported_media_type",
       "message": "send application/json or application/xml",
       "details": {
        "field": "Content-Type"
       }
      }
     }
    }
   },
   "RuntimeUnavailable": {
    "description": "unavailable: the runtime is not running, or a dependency cannot be reached.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/ApiError"
      }
     }
    }
   }
  },
  "schemas": {
   "MemoryKey": {"type": "object", "required": ["key", "sizeBytes", "expiresAt", "updatedAt"], "properties": {"key": {"type": "string"}, "sizeBytes": {"type": "integer", "description": "Bytes of the key and its value: what counts against the flow's quota."}, "expiresAt": {"type": "string", "format": "date-time", "nullable": true}, "updatedAt": {"type": "string", "format": "date-time"}}},
   "ApiError": {
    "type": "object",
    "description": "Every error response has this shape.",
    "properties": {
     "code": {
      "type": "string",
      "description": "Machine-readable code: invalid_argument, unauthenticated, signature_invalid, tier_limit, permission_denied, csrf_failed, not_found, conflict, already_exists, flow_stopped, payload_too_large, unsupported_media_type, schema_violation, resource_exhausted, internal, execution_failed, unavailable, not_ready.",
      "example": "not_found"
     },
     "message": {
      "type": "string",
      "description": "Human-readable explanation; wording may change.",
      "example": "flow not found"
     },
     "details": {
      "type": "object",
      "additionalProperties": true,
      "description": "Code-specific details, {} when there are none. invalid_argument: field, and line/column for JSON syntax errors; schema_violation: problems[]; conflict on a stale save: currentVersion and current; tier_limit: limit, current, plan, resource. execution_failed: executionId, status, error; payload_too_large on a trigger: limit."
     }
    },
    "required": [
     "code",
     "message",
     "details"
    ]
   },
   "Problem": {
    "type": "object",
    "description": "One problem found in an organism.yaml.",
    "properties": {
     "line": {
      "type": "integer",
      "format": "int32",
      "description": "1-based line in organismYaml; 0 when unknown."
     },
     "column": {
      "type": "integer",
      "format": "int32",
      "description": "1-based column in organismYaml; 0 when unknown."
     },
     "field": {
      "type": "string",
      "description": "Path of the offending key, e.g. listeners[0].handler."
     },
     "message": {
      "type": "string"
     },
     "severity": {
      "type": "string",
      "enum": [
       "error",
       "warning"
      ]
     }
)json",
R"json(    },
    "required": [
     "line",
     "column",
     "field",
     "message",
     "severity"
    ]
   },
   "SchemaViolationError": {
    "allOf": [
     {
      "$ref": "#/components/schemas/ApiError"
     },
     {
      "type": "object",
      "properties": {
       "details": {
        "type": "object",
        "properties": {
         "problems": {
          "type": "array",
          "items": {
           "$ref": "#/components/schemas/Problem"
          }
         }
        },
        "required": [
         "problems"
        ],
        "additionalProperties": true
       }
      },
      "required": [
       "details"
      ]
     }
    ],
    "description": "422 schema_violation: organismYaml does not pass validation."
   },
   "ConflictError": {
    "allOf": [
     {
      "$ref": "#/components/schemas/ApiError"
     },
     {
      "type": "object",
      "properties": {
       "details": {
        "type": "object",
        "properties": {
         "currentVersion": {
          "type": "integer",
          "format": "int64",
          "description": "The flow's latest version; send it to save again."
         },
         "current": {
          "allOf": [
           {
            "$ref": "#/components/schemas/Flow"
           }
          ],
          "description": "The flow as it is now (PUT only)."
         }
        },
        "required": [
         "currentVersion"
        ],
        "additionalProperties": true
       }
      },
      "required": [
       "details"
      ]
     }
    ],
    "description": "409 conflict on a stale save: the flow has moved past the version being edited."
   },
   "User": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "email": {
      "type": "string",
      "description": "Trimmed and lower-cased.",
      "format": "email"
     },
     "name": {
      "type": "string"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "id",
     "email",
     "name",
     "createdAt"
    ]
   },
   "Organization": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "plan": {
      "type": "string",
      "enum": [
       "free",
       "paid",
       "pro",
       "enterprise"
      ],
      "description": "Self-hosted instances put every organization on enterprise."
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "id",
     "name",
     "plan",
     "createdAt"
    ]
   },
   "OrganizationWithRole": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Organization"
     },
     {
      "type": "object",
      "properties": {
       "role": {
        "type": "string",
        "enum": [
         "owner",
         "admin",
         "member",
         "viewer"
        ]
       }
      },
      "required": [
       "role"
      ]
     }
    ],
    "description": "An organization with the caller's role in it."
   },
   "AuthResponse": {
    "type": "object",
    "properties": {
     "user": {
      "$ref": "#/components/schemas/User"
     },
     "organization": {
      "$ref": "#/components/schemas/Organization"
     },
     "csrfToken": {
      "type": "string",
      "description": "Send as X-CSRF-Token on cookie-authenticated POST/PUT/PATCH/DELETE."
     }
    },
    "required": [
     "user",
     "organization",
     "csrfToken"
    ]
   },
   "Me": {
    "type": "object",
    "properties": {
     "user": {
      "$ref": "#/components/schemas/User"
     },
     "organization": {
      "allOf": [
       {
        "$ref": "#/components/schemas/Organization"
       }
      ],
      "description": "The organization this request acts in (X-Org-Id, else the default; an API key's own)."
     },
     "role": {
      "type": "string",
      "enum": [
       "owner",
       "admin",
       "member",
       "viewer"
      ]
     },
     "organizations": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/OrganizationWithRole"
      }
     },
     "usage": {
      "type": "object",
      "description": "This month's usage of the organization against its plan (limits null = unlimited; enforced only in SaaS mode).",
      "properties": {
       "month": {"type": "string", "example": "2026-11"},
       "daily": {"type": "array", "description": "Executions per UTC day over the last 14 days (days with none left out).",
                 "items": {"type": "object", "properties": {"day": {"type": "string", "example": "2026-11-22"},
                   "succeeded": {"type": "integer"}, "failed": {"type": "integer"}, "open": {"type": "integer"}}}},
       "executions": {"type": "integer"},
       "executionsLimit": {"type": ["integer", "null"]},
       "flows": {"type": "integer"},
       "flowsLimit": {"type": ["integer", "null"]},
       "limitsEnforced": {"type": "boolean"}
      }
     },
     "authMethod": {
      "type": "string",
      "enum": [
       "session",
       "api_key",
       "bearer"
      ]
     },
     "csrfToken": {
      "type": "string",
      "description": "Present only when authMethod is session."
     }
    },
    "required": [
     "user",
     "organization",
     "role",
     "organizations",
     "authMethod"
    ]
   },
   "Member": {
    "type": "object",
    "properties": {
     "userId": {
      "type": "string"
     },
     "email": {
      "type": "string",
      "format": "email"
     },
     "name": {
      "type": "string"
     },
     "role": {
      "type": "string",
      "enum": [
       "owner",
       "admin",
       "member",
       "viewer"
      ]
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "When the user joined the organization. ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "userId",
     "email",
     "name",
     "role",
     "createdAt"
    ]
   },
   "Invitation": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "orgId": {
      "type": "string"
     },
     "email": {
      "type": "string",
      "format": "email"
     },
     "role": {
      "type": "string",
      "enum": [
       "owner",
       "admin",
       "member",
       "viewer"
      ]
     },
     "invitedBy": {
      "type": "string",
      "description": "User id of the inviter."
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "expiresAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "acceptedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z",
      "nullable": true
     }
    },
    "required": [
     "id",
     "orgId",
     "email",
     "role",
     "invitedBy",
     "createdAt",
     "expiresAt",
     "acceptedAt"
    ]
   },
   "CreatedInvitation": {
    "type": "object",
    "properties": {
     "invitation": {
      "$ref": "#/components/schemas/Invitation"
     },
     "token": {
      "type": "string",
      "description": "The invitation token; shown only in this response."
     },
     "acceptPath": {
      "type": "string",
      "description": "Path to POST to accept, e.g. /api/invitations/{token}/accept."
     }
    },
    "required": [
     "invitation",
     "token",
     "acceptPath"
    ]
   },
   "AcceptedInvitation": {
    "type": "object",
    "properties": {
     "organization": {
      "$ref": "#/components/schemas/Organization"
     },
     "member": {
      "$ref": "#/components/schemas/Member"
     }
    },
    "required": [
     "organization",
     "member"
    ]
   },
   "ApiKey": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "prefix": {
      "type": "string",
      "description": "The key's first characters, to recognise it.",
      "example": "nxk_3fA9"
     },
     "userId": {
      "type": "string",
      "description": "The user the key acts as."
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "lastUsedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z",
      "nullable": true
     }
    },
    "required": [
     "id",
     "name",
     "prefix",
     "userId",
     "createdAt",
     "lastUsedAt"
    ]
   },
   "CreatedApiKey": {
    "type": "object",
    "properties": {
     "apiKey": {
      "$ref": "#/components/schemas/ApiKey"
     },
     "key": {
      "type": "string",
      "description": "The whole key (nxk_...); shown only in this response, never stored."
     }
    },
    "required": [
     "apiKey",
     "key"
    ]
   },
   "CanvasState": {
    "type": "object",
    "description": "The editor's canvas, stored verbatim. Further keys are kept.",
    "properties": {
     "nodes": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": true
      }
     },
     "edges": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": true
      }
     },
     "viewport": {
      "type": "object",
      "additionalProperties": true
     }
    },
    "additionalProperties": true
   },
   "Flow": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "orgId": {
      "type": "string"
     },
     "userId": {
      "type": "string",
      "description": "The creator."
     },
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "organismYaml": {
      "type": "string",
      "description": "The flow's organism.yaml (docs/flow-yaml.md)."
     },
     "canvasState": {
      "$ref": "#/components/schemas/CanvasState"
     },
     "status": {
      "type": "string",
      "enum": [
       "stopped",
       "starting",
       "running",
       "stopping",
       "error"
      ],
      "description": "The runtime's state of the flow: stopped, starting, running, stopping, or error (it could not be started; errorMessage says why). See GET /api/flows/{id}/status for details."
     },
     "containerId": {
      "type": "string",
      "nullable": true,
      "description": "Reserved; null."
     },
     "errorMessage": {
      "type": "string",
      "nullable": true,
      "description": "Why the flow could not start; set when status is error, otherwise null."
     },
     "version": {
      "type": "integer",
      "format": "int64",
      "description": "The latest saved version; send it back when saving.",
      "minimum": 1
     },
     "liveVersion": {
      "type": "integer",
      "format": "int64",
      "description": "The published version; null when none is.",
      "nullable": true
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "warnings": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Problem"
      },
      "description": "Validation warnings for organismYaml (errors are refused with 422)."
     }
    },
    "required": [
     "id",
     "orgId",
     "userId",
     "name",
     "description",
     "organismYaml",
     "canvasState",
     "status",
     "containerId",
     "errorMessage",
     "version",
     "liveVersion",
     "createdAt",
     "updatedAt",
     "warnings"
    ]
   },
   "FlowSummary": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "orgId": {
      "type": "string"
     },
     "userId": {
      "type": "string",
      "description": "The creator."
     },
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "stopped",
       "starting",
       "running",
)json",
R"json(       "stopping",
       "error"
      ],
      "description": "The runtime's state of the flow: stopped, starting, running, stopping, or error (it could not be started; errorMessage says why). See GET /api/flows/{id}/status for details."
     },
     "version": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "liveVersion": {
      "type": "integer",
      "format": "int64",
      "nullable": true
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "id",
     "orgId",
     "userId",
     "name",
     "description",
     "status",
     "version",
     "liveVersion",
     "createdAt",
     "updatedAt"
    ]
   },
   "PaginatedResponse": {
    "type": "object",
    "description": "One page of a list.",
    "properties": {
     "items": {
      "type": "array",
      "items": {}
     },
     "total": {
      "type": "integer",
      "format": "int64",
      "description": "Matching items across all pages.",
      "minimum": 0
     },
     "page": {
      "type": "integer",
      "format": "int32",
      "description": "1-based.",
      "minimum": 1
     },
     "pageSize": {
      "type": "integer",
      "format": "int32",
      "minimum": 1
     },
     "hasMore": {
      "type": "boolean",
      "description": "True when a later page has items."
     }
    },
    "required": [
     "items",
     "total",
     "page",
     "pageSize",
     "hasMore"
    ]
   },
   "FlowPage": {
    "allOf": [
     {
      "$ref": "#/components/schemas/PaginatedResponse"
     },
     {
      "type": "object",
      "properties": {
       "items": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/FlowSummary"
        }
       }
      },
      "required": [
       "items"
      ]
     }
    ],
    "description": "Flows, most recently updated first."
   },
   "FlowVersionPage": {
    "allOf": [
     {
      "$ref": "#/components/schemas/PaginatedResponse"
     },
     {
      "type": "object",
      "properties": {
       "items": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/FlowVersionSummary"
        }
       }
      },
      "required": [
       "items"
      ]
     }
    ],
    "description": "Versions, newest first."
   },
   "AuditPage": {
    "allOf": [
     {
      "$ref": "#/components/schemas/PaginatedResponse"
     },
     {
      "type": "object",
      "properties": {
       "items": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/AuditEntry"
        }
       }
      },
      "required": [
       "items"
      ]
     }
    ],
    "description": "Audit entries, newest first."
   },
   "FlowVersion": {
    "type": "object",
    "properties": {
     "flowId": {
      "type": "string"
     },
     "version": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "organismYaml": {
      "type": "string"
     },
     "canvasState": {
      "$ref": "#/components/schemas/CanvasState"
     },
     "authorId": {
      "type": "string"
     },
     "message": {
      "type": "string"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "live": {
      "type": "boolean",
      "description": "True for the published version."
     }
    },
    "required": [
     "flowId",
     "version",
     "organismYaml",
     "canvasState",
     "authorId",
     "message",
     "createdAt",
     "live"
    ]
   },
   "FlowVersionSummary": {
    "type": "object",
    "properties": {
     "flowId": {
      "type": "string"
     },
     "version": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "authorId": {
      "type": "string"
     },
     "message": {
      "type": "string"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "live": {
      "type": "boolean"
     }
    },
    "required": [
     "flowId",
     "version",
     "authorId",
     "message",
     "createdAt",
     "live"
    ]
   },
   "DiffLine": {
    "type": "object",
    "properties": {
     "op": {
      "type": "string",
      "enum": [
       " ",
       "-",
       "+"
      ],
      "description": "' ' context, '-' removed, '+' added."
     },
     "text": {
      "type": "string",
      "description": "The line without its newline."
     },
     "oldLine": {
      "type": "integer",
      "format": "int32",
      "description": "Line in the old text; null for added lines.",
      "nullable": true
     },
     "newLine": {
      "type": "integer",
      "format": "int32",
      "description": "Line in the new text; null for removed lines.",
      "nullable": true
     }
    },
    "required": [
     "op",
     "text",
     "oldLine",
     "newLine"
    ]
   },
   "DiffHunk": {
    "type": "object",
    "properties": {
     "oldStart": {
      "type": "integer",
      "format": "int32"
     },
     "oldCount": {
      "type": "integer",
      "format": "int32"
     },
     "newStart": {
      "type": "integer",
      "format": "int32"
     },
     "newCount": {
      "type": "integer",
      "format": "int32"
     },
     "lines": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/DiffLine"
      }
     }
    },
    "required": [
     "oldStart",
     "oldCount",
     "newStart",
     "newCount",
     "lines"
    ]
   },
   "FlowDiff": {
    "type": "object",
    "description": "Line diff of organismYaml between two versions.",
    "properties": {
     "flowId": {
      "type": "string"
     },
     "from": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "to": {
      "type": "integer",
      "format": "int64",
      "minimum": 1
     },
     "added": {
      "type": "integer",
      "format": "int32",
      "description": "Lines added.",
      "minimum": 0
     },
     "removed": {
      "type": "integer",
      "format": "int32",
      "description": "Lines removed.",
      "minimum": 0
     },
     "unified": {
      "type": "string",
      "description": "The diff of organismYaml in unified format."
     },
     "hunks": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/DiffHunk"
      }
     }
    },
    "required": [
     "flowId",
     "from",
     "to",
     "added",
     "removed",
     "unified",
     "hunks"
    ]
   },
   "ValidationResult": {
    "type": "object",
    "properties": {
     "valid": {
      "type": "boolean",
      "description": "False when any problem has severity error."
     },
     "problems": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    },
    "required": [
     "valid",
     "problems"
    ]
   },
   "BuildDiagnostic": {
    "type": "object",
    "properties": {
     "file": {"type": "string"},
     "line": {"type": "integer"},
     "column": {"type": "integer"},
     "message": {"type": "string"},
     "severity": {"type": "string", "enum": ["error", "warning", "info"]}
    }
   },
   "WasmModule": {
    "type": "object",
    "properties": {
     "id": {"type": "string"},
     "payloadClasses": {"type": "object", "nullable": true, "description": "The classes its WIT's handle takes and answers: {input: {name, fields: {field: type}}, output}, in the payloads: vocabulary."},
     "name": {"type": "string", "description": "What a listener's `wasm: {module: NAME}` names (the newest version)."},
     "version": {"type": "string"},
     "sha256": {"type": "string"},
     "sizeBytes": {"type": "integer"},
     "exports": {"type": "array", "items": {"type": "string"}},
     "wit": {"type": "string"},
     "hasSource": {"type": "boolean"},
     "source": {"type": "string", "description": "GET /api/modules/{id} only."},
     "createdAt": {"type": "string", "format": "date-time"},
     "createdBy": {"type": "string"}
    }
   },
   "SecretInfo": {
    "type": "object",
    "description": "A secret's metadata; the value is never returned.",
    "properties": {
     "name": {
      "type": "string"
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "name",
     "createdAt",
     "updatedAt"
    ]
   },
   "AuditEntry": {
    "type": "object",
    "properties": {
     "seq": {
      "type": "integer",
      "format": "int64",
      "description": "Strictly increasing."
     },
     "orgId": {
      "type": "string"
     },
     "actorUserId": {
      "type": "string",
      "description": "Empty for the system."
     },
     "action": {
      "type": "string",
      "example": "flow.update"
     },
     "targetType": {
      "type": "string",
      "example": "flow"
     },
     "targetId": {
      "type": "string"
     },
     "remoteAddr": {
      "type": "string"
     },
     "details": {
      "type": "object",
      "additionalProperties": true
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "seq",
     "orgId",
     "actorUserId",
     "action",
     "targetType",
     "targetId",
     "remoteAddr",
     "details",
     "createdAt"
    ]
   },
   "Health": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok"
      ]
     }
    },
    "required": [
     "status"
    ]
   },
   "Readiness": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ready"
      ]
     },
     "details": {
      "type": "object",
      "additionalProperties": true,
      "description": "What the readiness check reports; may be empty."
     }
    },
    "required": [
     "status",
     "details"
    ]
   },
   "ApiKeyList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ApiKey"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "OrganizationList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/OrganizationWithRole"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "MemberList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Member"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "InvitationList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Invitation"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "SecretList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/SecretInfo"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "Role": {
    "type": "string",
    "enum": [
     "owner",
     "admin",
     "member",
     "viewer"
    ]
   },
   "SetupRequest": {
    "type": "object",
    "properties": {
     "token": {
      "type": "string",
      "description": "The one-time setup token printed by the server at first start."
     },
     "email": {
      "type": "string",
      "format": "email"
     },
     "password": {
      "type": "string",
      "description": "8 to 1024 bytes.",
      "minLength": 8,
      "maxLength": 1024,
      "format": "password"
     },
     "name": {
      "type": "string"
     }
    },
    "required": [
     "token",
     "email",
     "password",
     "name"
    ]
   },
   "SignupRequest": {
    "type": "object",
    "properties": {
     "email": {
      "type": "string",
      "format": "email"
     },
     "password": {
      "type": "string",
      "description": "8 to 1024 bytes.",
      "minLength": 8,
      "maxLength": 1024,
      "format": "password"
     },
     "name": {
      "type": "string"
     }
    },
    "required": [
     "email",
     "password",
     "name"
    ]
   },
   "LoginRequest": {
    "type": "object",
    "properties": {
     "email": {
      "type": "string",
      "format": "email"
     },
     "password": {
      "type": "string",
      "format": "password"
)json",
R"json(     }
    },
    "required": [
     "email",
     "password"
    ]
   },
   "CreateApiKeyRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "description": "1 to 200 bytes after trimming; no control characters.",
      "minLength": 1,
      "maxLength": 200
     }
    },
    "required": [
     "name"
    ]
   },
   "CreateOrganizationRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "description": "1 to 200 bytes after trimming; no control characters.",
      "minLength": 1,
      "maxLength": 200
     }
    },
    "required": [
     "name"
    ]
   },
   "ChangeRoleRequest": {
    "type": "object",
    "properties": {
     "role": {
      "type": "string",
      "enum": [
       "owner",
       "admin",
       "member",
       "viewer"
      ]
     }
    },
    "required": [
     "role"
    ]
   },
   "CreateInvitationRequest": {
    "type": "object",
    "properties": {
     "email": {
      "type": "string",
      "format": "email"
     },
     "role": {
      "type": "string",
      "enum": [
       "owner",
       "admin",
       "member",
       "viewer"
      ]
     }
    },
    "required": [
     "email",
     "role"
    ]
   },
   "CreateFlowRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "description": "1 to 200 bytes after trimming; no control characters.",
      "minLength": 1,
      "maxLength": 200
     },
     "description": {
      "type": "string",
      "description": "At most 10,000 bytes.",
      "maxLength": 10000
     },
     "organismYaml": {
      "type": "string",
      "description": "At most 1 MiB. Omitted: a default template."
     },
     "canvasState": {
      "$ref": "#/components/schemas/CanvasState"
     }
    },
    "required": [
     "name"
    ]
   },
   "ValidateRequest": {
    "type": "object",
    "properties": {
     "organismYaml": {
      "type": "string"
     }
    },
    "required": [
     "organismYaml"
    ]
   },
   "UpdateFlowRequest": {
    "type": "object",
    "description": "Omitted fields keep their current value. Every save makes a new version.",
    "properties": {
     "version": {
      "type": "integer",
      "format": "int64",
      "description": "The version being edited (the flow's version when it was loaded). May instead be sent as If-Match.",
      "minimum": 1
     },
     "name": {
      "type": "string",
      "description": "1 to 200 bytes after trimming; no control characters.",
      "minLength": 1,
      "maxLength": 200
     },
     "description": {
      "type": "string"
     },
     "organismYaml": {
      "type": "string"
     },
     "canvasState": {
      "$ref": "#/components/schemas/CanvasState"
     },
     "message": {
      "type": "string",
      "description": "A note stored with the new version; at most 1,000 bytes.",
      "maxLength": 1000
     }
    }
   },
   "RestoreRequest": {
    "type": "object",
    "properties": {
     "version": {
      "type": "integer",
      "format": "int64",
      "description": "The flow's current version, as a stale-save check; omitted = no check.",
      "minimum": 1
     }
    }
   },
   "PutSecretRequest": {
    "type": "object",
    "properties": {
     "value": {
      "type": "string",
      "description": "The secret's value, at most 64 KiB; stored encrypted, never returned.",
      "maxLength": 65536
     }
    },
    "required": [
     "value"
    ]
   },
   "TriggerConfig": {
    "type": "object",
    "description": "Type-specific settings; at most 64 KiB. Unknown keys are kept. On PATCH, the keys sent replace those stored, the others stay.",
    "properties": {
     "target": {
      "type": "string",
      "description": "The listener that receives the payload; empty or missing: the flow's first listener. Must exist in the flow."
     },
     "cron": {
      "type": "string",
      "description": "schedule: a cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first). Required for schedules.",
      "example": "*/5 * * * *"
     },
     "timezone": {
      "type": "string",
      "description": "schedule: an IANA time zone the cron is read in.",
      "default": "UTC",
      "example": "Europe/Paris"
     },
     "missed": {
      "type": "string",
      "enum": [
       "skip",
       "catch_up"
      ],
      "default": "skip",
      "description": "schedule: slots missed while no server ran. skip forgets them; catch_up fires the most recent one once at start-up."
     },
     "payload": {
      "type": "object",
      "additionalProperties": true,
      "description": "schedule: the JSON payload of each firing, converted to the target's payload class; omitted: the class with every field at its zero value."
     },
     "signatureSecret": {
      "type": "string",
      "description": "webhook: the name of a vault secret; when set, calls must be signed (X-Nextra-Timestamp, X-Nextra-Signature)."
     },
     "source": {
      "type": "string",
      "enum": [
       "api",
       "yaml"
      ],
      "readOnly": true,
      "description": "api: created through this API; yaml: synced from the flow's `triggers:` on save (and replaced by the next save)."
     }
    },
    "additionalProperties": true
   },
   "Trigger": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "flowId": {
      "type": "string"
     },
     "name": {
      "type": "string",
      "description": "Unique within the flow."
     },
     "type": {
      "type": "string",
      "enum": [
       "webhook",
       "schedule",
       "manual"
      ]
     },
     "config": {
      "$ref": "#/components/schemas/TriggerConfig"
     },
     "enabled": {
      "type": "boolean",
      "description": "A disabled trigger does not fire; a disabled webhook answers 404."
     },
     "createdAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "updatedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "id",
     "flowId",
     "name",
     "type",
     "config",
     "enabled",
     "createdAt",
     "updatedAt"
    ]
   },
   "TriggerWithToken": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Trigger"
     },
     {
      "type": "object",
      "properties": {
       "token": {
        "type": "string",
        "description": "The webhook's token; shown only in this response (the server keeps its hash)."
       },
       "webhookPath": {
        "type": "string",
        "description": "Where to POST: /api/triggers/{flowId}/webhook/{token}."
       }
      }
     }
    ],
    "description": "A trigger; webhooks also carry token and webhookPath, shown only on creation and rotation."
   },
   "TriggerList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Trigger"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "CreateTriggerRequest": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string",
      "description": "1 to 200 bytes; unique within the flow.",
      "minLength": 1,
      "maxLength": 200
     },
     "type": {
      "type": "string",
      "enum": [
       "webhook",
       "schedule",
       "manual"
      ]
     },
     "config": {
      "$ref": "#/components/schemas/TriggerConfig"
     },
     "enabled": {
      "type": "boolean",
      "default": true
     }
    },
    "required": [
     "name",
     "type"
    ]
   },
   "UpdateTriggerRequest": {
    "type": "object",
    "description": "Omitted fields keep their value; config keys are merged. The type cannot change (400).",
    "properties": {
     "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 200
     },
     "type": {
      "type": "string",
      "enum": [
       "webhook",
       "schedule",
       "manual"
      ],
      "description": "If sent, must equal the current type."
     },
     "config": {
      "$ref": "#/components/schemas/TriggerConfig"
     },
     "enabled": {
      "type": "boolean"
     }
    }
   },
   "InjectRequest": {
    "type": "object",
    "properties": {
     "target": {
      "type": "string",
      "maxLength": 200,
      "description": "The listener; omitted: ?target=, else the flow's first listener."
     },
     "payload": {
      "type": "object",
      "additionalProperties": true,
      "description": "The payload as JSON, converted to the target's payload class; omitted: {}."
     }
    }
   },
   "ExecutionAccepted": {
    "type": "object",
    "properties": {
     "executionId": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "description": "queued or running; a replayed (Idempotent-Replayed) answer without wait gives the first execution's status, which may be final.",
      "example": "queued"
     },
     "location": {
      "type": "string",
      "description": "/api/executions/{executionId}."
     }
    },
    "required": [
     "executionId",
     "status",
     "location"
    ]
   },
   "ExecutionResult": {
    "type": "object",
    "properties": {
     "executionId": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "success"
      ]
     },
     "outputType": {
      "type": "string",
      "description": "The payload class the Output listener received; empty when there was no output."
     },
     "output": {
      "type": "object",
      "additionalProperties": true,
      "nullable": true,
      "description": "That payload as JSON; null when there was none."
     }
    },
    "required": [
     "executionId",
     "status",
     "outputType",
     "output"
    ]
   },
   "SchedulePreview": {
    "type": "object",
    "properties": {
     "cron": {
      "type": "string"
     },
     "timezone": {
      "type": "string",
      "description": "The IANA zone used."
     },
     "next": {
      "type": "array",
      "items": {
       "type": "string",
       "format": "date-time"
      },
      "description": "The next firings after now, in UTC."
     }
    },
    "required": [
     "cron",
     "timezone",
     "next"
    ]
   },
   "FlowRunStatus": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "stopped",
       "starting",
       "running",
       "stopping",
       "error"
      ]
     },
     "errorMessage": {
      "type": "string",
      "nullable": true,
      "description": "Why the flow could not start; set in state error."
     },
     "version": {
      "type": "integer",
      "format": "int64",
      "nullable": true,
      "description": "The version running; null when stopped."
     },
     "stoppedByUser": {
      "type": "boolean",
      "description": "Stopped with POST .../stop: webhooks and schedules are refused (409 flow_stopped) until it is started again."
     },
     "idle": {
      "type": "boolean",
      "description": "Stopped because it sat idle (scale-to-zero): the next trigger starts it again."
     },
     "startedAt": {
      "type": "string",
      "format": "date-time",
      "description": "When it started; null when not running.",
      "example": "2026-11-22T05:20:35.123Z",
      "nullable": true
     },
     "runningExecutions": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     }
    },
    "required": [
     "status",
     "errorMessage",
     "version",
     "stoppedByUser",
     "idle",
     "startedAt",
     "runningExecutions"
    ]
   },
   "ExecutionInput": {
    "type": "object",
    "properties": {
     "target": {
      "type": "string",
      "description": "The listener the payload went to."
)json",
R"json(     },
     "payload": {
      "type": "string",
      "description": "The payload as XML."
     }
    },
    "additionalProperties": true
   },
   "Execution": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "flowId": {
      "type": "string"
     },
     "flowVersion": {
      "type": "integer",
      "format": "int64",
      "description": "The flow version it ran on."
     },
     "triggerId": {
      "type": "string",
      "nullable": true,
      "description": "null for manual runs."
     },
     "status": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "success",
       "error",
       "timeout",
       "cancelled"
      ]
     },
     "input": {
      "$ref": "#/components/schemas/ExecutionInput"
     },
     "output": {
      "type": "string",
      "nullable": true,
      "description": "The XML payload the Output listener received; null when none."
     },
     "error": {
      "type": "string",
      "nullable": true
     },
     "attempts": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     },
     "startedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "finishedAt": {
      "type": "string",
      "format": "date-time",
      "description": "null while queued or running.",
      "example": "2026-11-22T05:20:35.123Z",
      "nullable": true
     },
     "durationMs": {
      "type": "integer",
      "format": "int64",
      "nullable": true,
      "description": "null while queued or running."
     }
    },
    "required": [
     "id",
     "flowId",
     "flowVersion",
     "triggerId",
     "status",
     "input",
     "output",
     "error",
     "attempts",
     "startedAt",
     "finishedAt",
     "durationMs"
    ]
   },
   "ExecutionStep": {
    "type": "object",
    "description": "One message delivered during the execution.",
    "properties": {
     "index": {
      "type": "integer",
      "format": "int64",
      "minimum": 0
     },
     "from": {
      "type": "string",
      "description": "The sending listener."
     },
     "to": {
      "type": "string",
      "description": "The receiving listener."
     },
     "payloadType": {
      "type": "string",
      "description": "The payload's class."
     },
     "payload": {
      "type": "string",
      "description": "The payload as XML, secrets redacted."
     },
     "status": {
      "type": "string",
      "example": "delivered",
      "description": "delivered, or unhandled when no listener took it."
     },
     "error": {
      "type": "string",
      "nullable": true
     },
     "startedAt": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     }
    },
    "required": [
     "index",
     "from",
     "to",
     "payloadType",
     "payload",
     "status",
     "error",
     "startedAt"
    ]
   },
   "ExecutionDetail": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Execution"
     },
     {
      "type": "object",
      "properties": {
       "steps": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/ExecutionStep"
        }
       }
      },
      "required": [
       "steps"
      ]
     }
    ],
    "description": "An execution with its steps, oldest first."
   },
   "ExecutionPage": {
    "allOf": [
     {
      "$ref": "#/components/schemas/PaginatedResponse"
     },
     {
      "type": "object",
      "properties": {
       "items": {
        "type": "array",
        "items": {
         "$ref": "#/components/schemas/Execution"
        }
       }
      },
      "required": [
       "items"
      ]
     }
    ],
    "description": "Executions, newest first."
   },
   "LogEvent": {
    "type": "object",
    "description": "A runtime event. The other fields depend on type: step {executionId, index, from, to, payloadType, payload, unhandled}; execution.started {executionId, triggerId, target, version}; execution.finished {executionId, status, error, output, messages, elapsedMs}.",
    "properties": {
     "type": {
      "type": "string",
      "enum": [
       "step",
       "execution.started",
       "execution.finished"
      ]
     },
     "id": {
      "type": "integer",
      "format": "int64",
      "description": "Increasing per flow; use it as Last-Event-ID or ?after=."
     },
     "at": {
      "type": "string",
      "format": "date-time",
      "description": "ISO 8601 UTC with milliseconds.",
      "example": "2026-11-22T05:20:35.123Z"
     },
     "executionId": {
      "type": "string"
     }
    },
    "required": [
     "type",
     "id",
     "at"
    ],
    "additionalProperties": true
   },
   "LogPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/LogEvent"
      }
     },
     "nextAfter": {
      "type": "integer",
      "format": "int64",
      "description": "Pass as ?after= for the next page (the last item's id, or the after sent when there was none)."
     }
    },
    "required": [
     "items",
     "nextAfter"
    ]
   }
  }
 }
}
)json",
};

}  // namespace

const nlohmann::json& openapi_document() {
  static const nlohmann::json document = [] {
    std::string text;
    for (const char* piece : kPieces) text += piece;
    return nlohmann::json::parse(text);
  }();
  return document;
}

}  // namespace nextra::api
