# An AWS web tier: HTTPS for everyone, everything else kept inside the VPC.
resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTPS from anywhere"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  # sensitive-port-exposed: SSH open to the whole internet.
  ingress {
    description = "SSH for the on-call engineer"
    from_port   = var.ssh_port
    to_port     = var.ssh_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# sensitive-port-exposed: PostgreSQL reachable from anywhere.
resource "aws_security_group_rule" "database" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

# Redis from the private network only: not exposed.
resource "aws_vpc_security_group_ingress_rule" "cache" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "10.0.0.0/16"
  from_port         = 6379
  to_port           = 6379
  ip_protocol       = "tcp"
}
