#!/bin/sh
# minio-init (one shot): the sohoa bucket, and an access key for sohoa that may use only it.
# Idempotent: `mc mb --ignore-existing`, and re-adding a user or policy replaces it.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$SOHOA_BUCKET"
cat > /tmp/sohoa-policy.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::$SOHOA_BUCKET"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$SOHOA_BUCKET/*"]}
  ]
}
JSON
mc admin policy create local sohoa-rw /tmp/sohoa-policy.json
mc admin user add local "$SOHOA_S3_ACCESS_KEY" "$SOHOA_S3_SECRET_KEY"
mc admin policy attach local sohoa-rw --user "$SOHOA_S3_ACCESS_KEY" || true  # already attached
